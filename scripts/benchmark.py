"""Time the kit's data: loading every dataset, the generator's run, the size of datasets/.

    make bench        (or: .venv/bin/python scripts/benchmark.py)

Prints figures in Russian; the goal is under 2 s to load every dataset.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infowork import data  # noqa: E402
from infowork.datagen import generate  # noqa: E402

LOAD_GOAL_SECONDS = 2.0


def main() -> int:
    print("Загрузка наборов данных (первая загрузка, без кэша):")
    total = 0.0
    for name in data.names():
        data._read_cached.cache_clear()
        start = time.perf_counter()
        frame = data.load(name)
        seconds = time.perf_counter() - start
        total += seconds
        print(f"  {name:<16} {len(frame):>7} строк  {seconds:6.3f} с")
    verdict = "в пределах цели" if total <= LOAD_GOAL_SECONDS else "ДОЛЬШЕ цели"
    print(f"  {'всего':<16} {'':>7}        {total:6.3f} с ({verdict}: {LOAD_GOAL_SECONDS:.0f} с)")

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        paths = generate(folder)
        seconds = time.perf_counter() - start
    print(f"Генератор: {len(paths)} файлов за {seconds:.2f} с")

    size = sum(p.stat().st_size for p in data.DATASETS_DIR.rglob("*") if p.is_file())
    print(f"Размер папки datasets/: {size / 1024 / 1024:.1f} МБ (предел 25 МБ)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
