"""``python -m infowork.grading --worker ...``: a grading worker that infowork grade starts;
``--workers ...``: the process its workers are forked from (:mod:`infowork.grading.forkserver`).
"""
import sys


def _end(code: int) -> None:
    """Every trainee is written and every exit handler (the zygote's sandbox) runs; the
    interpreter's teardown is skipped: it took ~0.35 s after the last trainee, and the class's
    result waited for it."""
    from infowork.grading import relay

    relay.end_process(code)


if __name__ == "__main__":
    # jsonschema's format checker imports rfc3987_syntax when it is installed (~1 s: it builds
    # a parser); nbformat's schema has no IRI formats, so the worker goes without it.
    sys.modules.setdefault("rfc3987_syntax", None)
    if len(sys.argv) >= 6 and sys.argv[1] == "--worker":
        from infowork.grading.pipeline import _worker

        _end(_worker(*sys.argv[2:]))
    if len(sys.argv) == 7 and sys.argv[1] == "--workers":
        from infowork.grading import forkserver

        _end(forkserver.serve(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]),
                              int(sys.argv[6])))
    print("Запускайте проверку командой: infowork grade ЗАДАНИЕ ПАПКА", file=sys.stderr)
    sys.exit(2)
