"""``python -m infowork.grading --worker ...``: the grading worker that infowork grade starts."""
import sys

if __name__ == "__main__":
    # jsonschema's format checker imports rfc3987_syntax when it is installed (~1 s: it builds
    # a parser); nbformat's schema has no IRI formats, so the worker goes without it.
    sys.modules.setdefault("rfc3987_syntax", None)

from infowork.grading.pipeline import _worker  # noqa: E402

if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--worker":
        import atexit
        import os

        code = _worker(*sys.argv[2:])
        # Every trainee is written and every exit handler (the zygote's sandbox) runs; the
        # interpreter's teardown is skipped: it took ~0.35 s after the last trainee, and the
        # class's result waited for it.
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    print("Запускайте проверку командой: infowork grade ЗАДАНИЕ ПАПКА", file=sys.stderr)
    sys.exit(2)
