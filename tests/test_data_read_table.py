"""infowork.data.read_table(): every raw shape in datasets/raw/ and every failure in issue 3."""
import hashlib
import os
import shutil

import pandas as pd
import pytest

from infowork import data

RAW = data.DATASETS_DIR / "raw"


def snapshot(folder):
    """Names, bytes and modification times of every file in a folder."""
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.iterdir())}


@pytest.fixture
def write(tmp_path):
    def _write(name, content, encoding="utf-8"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path
    return _write


# --- the shapes of datasets/raw/ ----------------------------------------------------------

def test_community_statistics_in_cp1251_with_semicolons_decimal_commas_and_day_first_dates():
    table = data.read_table(RAW / "vk_stats_2025.csv")
    assert table.attrs["source"]["encoding"] == "cp1251"
    assert table.attrs["source"]["separator"] == ";"
    assert table.columns[0] == "Дата" and "Вовлечённость, %" in table.columns
    assert pd.api.types.is_datetime64_dtype(table["Дата"])
    assert table["Дата"].iloc[0] == pd.Timestamp("2025-01-01")
    assert table["Дата"].iloc[12] == pd.Timestamp("2025-01-13")
    assert table["Дата"].is_monotonic_increasing and len(table) == 365
    assert table["Вовлечённость, %"].dtype == "float64"
    assert (table["Вовлечённость, %"] % 1 != 0).any()
    assert table["Подписчики"].dtype == "int64"


def test_excel_report_with_a_title_above_the_header():
    table = data.read_table(RAW / "membership_report_2025.xlsx", required=["Код", "Всего членов"])
    assert table.attrs["source"]["header_row"] == 4
    assert list(table.columns[:3]) == ["Код", "Организация", "Регион"]
    organizations = data.load("organizations")
    assert len(table) == len(organizations)
    assert table["Всего членов"].dtype == "int64"
    assert table["Всего членов"].tolist() == organizations["members"].tolist()
    assert (table["До 35 лет"] + table["35-54 лет"] + table["55 лет и старше"]
            == table["Всего членов"]).all()
    assert pd.api.types.is_datetime64_dtype(table["Дата отчёта"])


def test_dirty_copy_reads_with_numbers_parsed_and_the_mess_left_for_the_lesson():
    table = data.read_table(RAW / "organizations_dirty.csv")
    clean = data.load("organizations")
    assert list(table.columns) == list(clean.columns)
    assert len(table) > len(clean) and table.duplicated(subset="org_id").sum() >= 3
    assert str(table["members"].dtype) == "Int64" and table["members"].isna().sum() >= 1
    assert table["vk_subscribers"].max() == clean["vk_subscribers"].max()
    text = data.read_table(RAW / "organizations_dirty.csv", convert=False)
    assert text["members"].str.contains("[ \u00a0]", regex=True).sum() >= 10
    spellings = text["region"].dropna()
    moscow_like = spellings[spellings.str.contains("моск|спб|петербург|татарстан|свердл",
                                                   case=False, regex=True)]
    assert moscow_like.nunique() >= 6, "several spellings of the same regions"


def test_utf8_with_bom_and_tabs(write):
    path = write("bom.tsv", "\ufeffРегион\tЧисло\nТомская область\t1 234,5\nОмская область\t7\n")
    table = data.read_table(path)
    assert list(table.columns) == ["Регион", "Число"]
    assert table.attrs["source"]["encoding"] == "utf-8-sig"
    assert table["Число"].tolist() == [1234.5, 7.0]


def test_thousands_separators_of_every_kind_and_codes_with_leading_zeros(write):
    path = write("n.csv", "код;члены\n007;12 345\n010;1\u00a0234\n020;5\u202f000\n")
    table = data.read_table(path)
    assert table["члены"].tolist() == [12345, 1234, 5000]
    assert table["код"].tolist() == ["007", "010", "020"]


def test_yes_no_columns_become_bools(write):
    table = data.read_table(write("b.csv", "орг,сайт\nА,да\nБ,Нет\n"))
    assert table["сайт"].dtype == "bool" and table["сайт"].tolist() == [True, False]


# --- dates --------------------------------------------------------------------------------

def test_ambiguous_day_month_dates_are_reported_not_guessed(write):
    path = write("a.csv", "Дата;Охват\n01.02.2025;10\n03.04.2025;20\n")
    with pytest.raises(data.DataError) as info:
        data.read_table(path)
    message = str(info.value)
    assert "a.csv" in message and "«Дата»" in message and "dayfirst" in message


def test_ambiguous_dates_read_as_the_user_says(write):
    path = write("a.csv", "Дата;Охват\n01.02.2025;10\n03.04.2025;20\n")
    assert data.read_table(path, dayfirst=True)["Дата"].tolist() == [
        pd.Timestamp("2025-02-01"), pd.Timestamp("2025-04-03")]
    assert data.read_table(path, dayfirst=False)["Дата"].tolist() == [
        pd.Timestamp("2025-01-02"), pd.Timestamp("2025-03-04")]


def test_one_day_above_12_settles_the_order_for_the_whole_column(write):
    table = data.read_table(write("d.csv", "Дата;Охват\n01.02.2025;1\n13.02.2025;2\n"))
    assert table["Дата"].tolist() == [pd.Timestamp("2025-02-01"), pd.Timestamp("2025-02-13")]
    table = data.read_table(write("m.csv", "Дата;Охват\n01.02.2025;1\n02.13.2025;2\n"))
    assert table["Дата"].tolist() == [pd.Timestamp("2025-01-02"), pd.Timestamp("2025-02-13")]


def test_mixed_orders_and_impossible_dates_name_the_row(write):
    with pytest.raises(data.DataError, match="строке 4"):
        data.read_table(write("x.csv", "Дата;Охват\n13.01.2025;1\n02.02.2025;2\n01.13.2025;3\n"))
    with pytest.raises(data.DataError, match="строка 3.*31.02.2025"):
        data.read_table(write("y.csv", "Дата;Охват\n15.01.2025;1\n31.02.2025;2\n"))


def test_iso_dates_with_times(write):
    table = data.read_table(write("i.csv", "когда,сколько\n2025-03-01 10:15,1\n2025-03-02,2\n"))
    assert table["когда"].tolist() == [pd.Timestamp("2025-03-01 10:15"),
                                       pd.Timestamp("2025-03-02")]


# --- failures -----------------------------------------------------------------------------

def test_missing_file(tmp_path):
    with pytest.raises(data.DataError, match="не найден") as info:
        data.read_table(tmp_path / "нет_такого.csv")
    assert "нет_такого.csv" in str(info.value)


def test_empty_files(write):
    for name, content in (("empty.csv", b""), ("blank.csv", b"\n  \n\n")):
        with pytest.raises(data.DataError, match="пуст") as info:
            data.read_table(write(name, content))
        assert name in str(info.value)


def test_binary_garbage(write):
    garbage = bytes(range(256)) * 20
    with pytest.raises(data.DataError, match="не похож на таблицу"):
        data.read_table(write("photo.csv", garbage))
    with pytest.raises(data.DataError, match="Excel"):
        data.read_table(write("broken.xlsx", b"PK\x03\x04" + garbage))
    with pytest.raises(data.DataError, match=r"\.xls"):
        data.read_table(write("old.xls", b"\xd0\xcf\x11\xe0" + garbage))


def test_cp1251_text_that_is_not_text(write):
    noise = bytes(b % 32 for b in range(1, 1000) if b % 32 not in (0, 9, 10, 13)) + b"\x98\x98"
    with pytest.raises(data.DataError, match="не удалось прочитать как текст"):
        data.read_table(write("noise.csv", noise))


def test_required_column_absent(write):
    path = write("r.csv", "Дата;Просмотры\n15.01.2025;1\n")
    with pytest.raises(data.DataError) as info:
        data.read_table(path, required=["Дата", "Охват"])
    message = str(info.value)
    assert "r.csv" in message and "«Охват»" in message and "«Просмотры»" in message
    assert len(data.read_table(path, required=["дата"])) == 1  # case does not matter


def test_broken_rows_are_named(write):
    path = write("br.csv", "Дата;Охват;Лайки\n15.01.2025;1;2\n16.01.2025;1;2;3\n17.01.2025;5;6\n"
                           "18.01.2025;7\n")
    with pytest.raises(data.DataError) as info:
        data.read_table(path)
    message = str(info.value)
    assert "br.csv" in message and "строка 3 (4 полей)" in message and "строка 5" in message


def test_missing_sheet_lists_the_sheets():
    with pytest.raises(data.DataError, match="Численность"):
        data.read_table(RAW / "membership_report_2025.xlsx", sheet="Лист2")


def test_reading_never_changes_the_input(tmp_path):
    for path in RAW.iterdir():
        shutil.copy2(path, tmp_path / path.name)
    (tmp_path / "bad.csv").write_text("a;b\n1;2;3\n", encoding="utf-8")
    os.chmod(tmp_path / "bad.csv", 0o444)
    before = snapshot(tmp_path)
    for path in sorted(tmp_path.iterdir()):
        try:
            data.read_table(path)
            data.read_table(path, convert=False)
        except data.DataError:
            pass
    assert snapshot(tmp_path) == before
