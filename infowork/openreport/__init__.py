"""The open report of an organisation (module 05 and ``infowork open-report``).

- :mod:`~infowork.openreport.indicators`: monitoring indicators per 1 000 members and the
  federation's weighted rating, one definition for lessons, checks and reports.
- :mod:`~infowork.openreport.figures`: ``key_figures(org_id, year, vk_export=None)``, the
  report's key numbers (one definition for the report, its JSON, the federation's summary and
  the assignment), and the report's tables: members by year, indicators against the
  federation's median, media mentions by tone and outlet level, monitoring answers, the
  organisation's own VK figures from a community statistics export.
- :mod:`~infowork.openreport.page`: the report's sections, Russian prose made from the figures.
- :mod:`~infowork.openreport.charts`: the report's charts in the kit's style.
- ``open_report.ipynb``: the parametrised report notebook (papermill; one line per section).
- :mod:`~infowork.openreport.build`: ``render(org_id, year, out_dir, *, vk_export=None,
  pdf=True)``: papermill, then a self-contained Russian HTML page with an A4 print stylesheet,
  the JSON, and a PDF printed by headless Chromium.
- :mod:`~infowork.openreport.batch`: ``infowork open-report``: several organisations (or
  ``--all``) in parallel, the federation's summary.json and summary.csv.
"""
