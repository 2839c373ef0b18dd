"""python -m infowork.datagen ПАПКА - write every dataset into the folder."""
from __future__ import annotations

import sys
import time

from infowork.datagen import generate


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("Использование: python -m infowork.datagen ПАПКА", file=sys.stderr)
        return 2
    start = time.perf_counter()
    paths = generate(argv[0])
    for path in paths:
        print(f"записан {path} ({path.stat().st_size / 1e6:.2f} МБ)")
    print(f"готово за {time.perf_counter() - start:.1f} с")
    return 0


if __name__ == "__main__":
    sys.exit(main())
