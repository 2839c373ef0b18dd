"""The generator rebuilds datasets/ byte for byte; the dictionary documents the schema."""
import hashlib
import re

import pytest

from infowork import data
from infowork.data_schema import SCHEMA
from infowork.datagen import generate
from infowork.datagen.readme import KIND_NAMES

DATASETS = data.DATASETS_DIR
README = (DATASETS / "README.md").read_text(encoding="utf-8")


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(folder):
    return {p.relative_to(folder).as_posix(): digest(p)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("datasets")
    generate(out)
    return out


def test_regeneration_is_byte_identical_to_the_committed_files(regenerated):
    fresh, committed = tree(regenerated), tree(DATASETS)
    assert sorted(fresh) == sorted(committed), "run `make datasets` and commit datasets/"
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert not changed, f"differ from the generator: {changed}; run `make datasets`"


def test_csv_files_are_utf8_with_unix_line_ends_and_fixed_float_format():
    for name, dataset in SCHEMA.items():
        raw = (DATASETS / f"{name}.csv").read_bytes()
        raw.decode("utf-8")
        assert b"\r\n" not in raw and raw.endswith(b"\n"), name
        header = raw.split(b"\n", 1)[0].decode()
        assert header.split(",") == dataset.column_names
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in dataset.column_names)


def test_all_datasets_fit_in_25_megabytes():
    size = sum(p.stat().st_size for p in DATASETS.rglob("*") if p.is_file())
    assert size <= 25 * 1024 * 1024, f"{size / 1e6:.1f} MB"


def test_dictionary_says_the_data_are_synthetic_and_documents_every_column():
    assert "синтетические" in README
    for name, dataset in SCHEMA.items():
        section = README.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]
        assert "**Строка:**" in section and "**Модули:**" in section
        for col in dataset.columns:
            row = re.search(rf"^\| `{col.name}` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$", section,
                            re.MULTILINE)
            assert row, f"{name}.{col.name} is not in datasets/README.md"
            assert row.group(1).startswith(KIND_NAMES[col.kind])
            for value in col.values:
                assert f"«{value}»" in row.group(3), f"{name}.{col.name}: {value}"
    for raw in (DATASETS / "raw").iterdir():
        assert f"raw/{raw.name}" in README


def test_dictionary_states_the_selection_rule_but_not_the_hidden_patterns():
    assert "5 баллов и больше" in README and "800 до 2500" in README
    for giveaway in ("шум", "пристраст", "предвзят", "смещ", "J5", "растёт", "рост ",
                     "хуже", "лучше", "вечер", "моложе", "старше аудитор", "крупн"):
        assert giveaway not in README.lower(), giveaway


def test_organisations_are_fictional():
    names = data.load("organizations")["name"]
    assert names.is_unique
    assert names.str.fullmatch(r"[А-ЯЁа-яё ]+ «[А-ЯЁа-яё -]+»").all()
    for real in ("ФНПР", "Солидарность", "России", "Федерация"):
        assert not names.str.contains(real).any(), real
