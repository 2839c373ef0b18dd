"""infowork.data.load() and catalog(): every bundled dataset loads with the schema's dtypes."""
import pandas as pd
import pytest

from infowork import data
from infowork.course import load_manifest
from infowork.data_schema import SCHEMA

KIND_CHECKS = {
    "int": lambda s: s.dtype == "int64",
    "float": lambda s: s.dtype == "float64",
    "bool": lambda s: s.dtype == "bool",
    "str": lambda s: isinstance(s.dtype, pd.StringDtype),
    "category": lambda s: isinstance(s.dtype, pd.CategoricalDtype),
    "datetime": lambda s: pd.api.types.is_datetime64_dtype(s),
    "date": lambda s: pd.api.types.is_datetime64_dtype(s),
}


@pytest.mark.parametrize("name", list(SCHEMA))
def test_dataset_loads_with_the_schema_dtypes_and_no_missing_values(name):
    frame = data.load(name)
    dataset = SCHEMA[name]
    assert list(frame.columns) == dataset.column_names
    assert len(frame) > 0
    for col in dataset.columns:
        assert KIND_CHECKS[col.kind](frame[col.name]), f"{name}.{col.name}: {frame[col.name].dtype}"
        assert not frame[col.name].isna().any(), f"{name}.{col.name} has missing values"
        if col.kind == "category":
            assert list(frame[col.name].cat.categories) == list(col.values)
            assert frame[col.name].cat.ordered == col.ordered


def test_load_returns_a_fresh_copy_each_time():
    first = data.load("organizations")
    first.loc[0, "members"] = -1
    assert data.load("organizations").loc[0, "members"] != -1


def test_unknown_name_raises_a_russian_error_listing_known_names():
    with pytest.raises(data.DataError) as info:
        data.load("organisations")
    message = str(info.value)
    assert "organisations" in message and "Есть такие наборы" in message
    assert all(name in message for name in SCHEMA)
    with pytest.raises(KeyError):
        data.load("posts.csv")


def test_missing_file_says_how_to_regenerate(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "DATASETS_DIR", tmp_path)
    with pytest.raises(data.DataError, match="make datasets"):
        data.load("posts")


def test_catalog_lists_every_dataset_with_rows_and_modules():
    table = data.catalog()
    assert list(table.columns) == ["name", "description", "rows", "modules"]
    assert list(table["name"]) == list(SCHEMA)
    assert table["rows"].tolist() == [len(data.load(n)) for n in table["name"]]
    assert table["description"].str.contains("[а-яё]", regex=True).all()
    used = {d for m in load_manifest().modules for d in m.datasets}
    for row in table.itertuples():
        assert (row.name in used) == bool(row.modules), row.name


@pytest.mark.parametrize("name, minimum", [("organizations", 50), ("posts", 20000),
                                           ("news_items", 1500), ("campaigns", 10)])
def test_datasets_are_as_large_as_the_course_needs(name, minimum):
    assert len(data.load(name)) >= minimum
