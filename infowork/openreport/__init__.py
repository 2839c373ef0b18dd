"""The open report of an organisation (module 05 and ``infowork open-report``).

- :mod:`~infowork.openreport.indicators`: monitoring indicators per 1 000 members and the
  federation's weighted rating, one definition for lessons, checks and reports.
"""
