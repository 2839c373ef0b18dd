"""JupyterHub's proxy for a seminar room: PyPI's configurable-http-proxy (pure Python, no
Node.js) with room for a whole room logging in at once.

Its tornado HTTP client forwards at most 10 requests at a time by default; a spawn request is
held until the trainee's server starts (up to ~10 s under load), so with 30 trainees logging in
in the same second the 11th and later waited in the client's queue and got 503 after 20 s
(measured with scripts/hub_benchmark.py --batch 30: 20 of 30 succeeded). The hub runs this module
as the proxy command (``python -m infowork.hub.proxy`` + the hub's own arguments).
"""
from __future__ import annotations

#: Requests the proxy forwards at once: more than the largest seminar (60 trainees).
MAX_CLIENTS = 200
#: How long the proxy waits for a trainee's server to answer, in milliseconds. Without the
#: option tornado gives up after 20 s; a whole room opening notebooks at once on a small
#: machine keeps a server busy longer (one kernel's connection of 30 failed so).
PROXY_TIMEOUT_MS = 300_000


def main() -> None:
    import sys

    from tornado.httpclient import AsyncHTTPClient

    AsyncHTTPClient.configure(None, max_clients=MAX_CLIENTS)
    if not any(arg.startswith("--proxy-timeout") for arg in sys.argv[1:]):
        sys.argv += ["--proxy-timeout", str(PROXY_TIMEOUT_MS)]
    from configurable_http_proxy.cli import main as proxy

    proxy()


if __name__ == "__main__":
    main()
