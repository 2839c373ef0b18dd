"""``python -m infowork.grading --worker ...``: the grading worker that infowork grade starts."""
import sys

if __name__ == "__main__":
    # jsonschema's format checker imports rfc3987_syntax when it is installed (~1 s: it builds
    # a parser); nbformat's schema has no IRI formats, so the worker goes without it.
    sys.modules.setdefault("rfc3987_syntax", None)

from infowork.grading.pipeline import _worker  # noqa: E402

if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--worker":
        sys.exit(_worker(*sys.argv[2:]))
    print("Запускайте проверку командой: infowork grade ЗАДАНИЕ ПАПКА", file=sys.stderr)
    sys.exit(2)
