"""A seminar-room JupyterHub with nbgrader's exchange (``infowork hub``).

- :mod:`infowork.hub.roster` — the roster CSV -> trainees with transliterated ASCII logins;
- :mod:`infowork.hub.accounts` — passwords, Linux users, lessons in each home, the sheet;
- :mod:`infowork.hub.auth` — the hub's login check against the sheet's hashed passwords;
- :mod:`infowork.hub.config` — the seminar's folder, its modes and the config files;
- :mod:`infowork.hub.exchange` — release, collect, ``infowork grade --group``, feedback;
- :mod:`infowork.hub.proxy` — the proxy, with room for a whole room logging in at once;
- :mod:`infowork.hub.command` — the command line;
- :mod:`infowork.hub.trial` — a throwaway hub on 127.0.0.1 for the kit's test and benchmark.
"""
__all__ = ["roster", "accounts", "auth", "config", "exchange", "proxy", "command", "trial"]
