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


def test_telegram_statistics_in_utf8_with_commas_and_iso_dates():
    table = data.read_table(RAW / "telegram_stats_2025.csv")
    assert table.attrs["source"]["encoding"] == "utf-8"
    assert table.attrs["source"]["separator"] == ","
    assert pd.api.types.is_datetime64_dtype(table["Дата"]) and len(table) == 365
    assert table["Дата"].iloc[31] == pd.Timestamp("2025-02-01")
    for col in table.columns[1:]:
        assert table[col].dtype == "int64", col


def test_metrica_report_with_title_lines_a_totals_row_percentages_and_durations():
    table = data.read_table(RAW / "metrica_utm_2025.csv", required=["UTM Source", "Визиты"])
    source = table.attrs["source"]
    assert source["encoding"] == "utf-8-sig" and source["separator"] == ","
    assert source["header_row"] == 7 and source["totals_row"] == 8
    assert list(table.columns) == [
        "UTM Source", "UTM Medium", "UTM Campaign", "Визиты", "Посетители", "Отказы",
        "Глубина просмотра", "Время на сайте", "Достижения любой цели",
        "Конверсия по любой цели"]
    assert not table["UTM Source"].str.startswith("Итого").any()
    for col in ("UTM Source", "UTM Medium", "UTM Campaign"):
        assert pd.api.types.is_string_dtype(table[col]) and table[col].notna().all(), col
    for col in ("Визиты", "Посетители", "Достижения любой цели"):
        assert table[col].dtype == "int64", col
    for col in ("Отказы", "Глубина просмотра", "Конверсия по любой цели"):
        assert table[col].dtype == "float64", col
    assert (table["Отказы"] % 1 != 0).any() and table["Отказы"].between(0, 100).all()
    assert pd.api.types.is_timedelta64_dtype(table["Время на сайте"])
    assert table["Время на сайте"].dt.total_seconds().between(10, 3600).all()
    totals = table.attrs["totals"]
    assert totals["UTM Source"] == "Итого и средние" and totals["UTM Medium"] is None
    assert totals["Визиты"] == table["Визиты"].sum()
    assert isinstance(totals["Отказы"], float) and isinstance(totals["Время на сайте"],
                                                              pd.Timedelta)


def test_excel_report_with_a_title_above_the_header():
    table = data.read_table(RAW / "membership_report_2025.xlsx", required=["Код", "Всего членов"])
    assert table.attrs["source"]["header_row"] == 4
    assert table.attrs["source"]["totals_row"] == 5 + len(table)
    assert table.attrs["totals"]["Код"] == "Итого"
    assert table.attrs["totals"]["Всего членов"] == table["Всего членов"].sum()
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

def test_dotted_dates_are_day_first_even_when_every_day_is_12_or_less(write):
    path = write("monthly.csv", "Месяц;Охват\n01.01.2025;10\n01.02.2025;20\n01.03.2025;30\n"
                                "01.12.2025;40\n")
    assert data.read_table(path)["Месяц"].tolist() == [
        pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01"), pd.Timestamp("2025-03-01"),
        pd.Timestamp("2025-12-01")]


def test_ambiguous_slash_dates_are_reported_not_guessed(write):
    path = write("a.csv", "Дата;Охват\n01/02/2025;10\n03/04/2025;20\n")
    with pytest.raises(data.DataError) as info:
        data.read_table(path)
    message = str(info.value)
    assert "a.csv" in message and "«Дата»" in message and "dayfirst" in message
    assert "строке 2" in message


def test_ambiguous_dates_read_as_the_user_says(write):
    for name, text in (("dots.csv", "Дата;Охват\n01.02.2025;10\n03.04.2025;20\n"),
                       ("slashes.csv", "Дата;Охват\n01/02/2025;10\n03/04/2025;20\n")):
        path = write(name, text)
        assert data.read_table(path, dayfirst=True)["Дата"].tolist() == [
            pd.Timestamp("2025-02-01"), pd.Timestamp("2025-04-03")], name
        assert data.read_table(path, dayfirst=False)["Дата"].tolist() == [
            pd.Timestamp("2025-01-02"), pd.Timestamp("2025-03-04")], name


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


# --- report shapes: title lines, totals rows, percentages, durations ---------------------

def test_title_lines_above_a_csv_header_are_skipped(write):
    text = ("Отчёт о посещаемости\nПериод: 01.01.2025 - 31.01.2025\n\nСтраница;Визиты\n"
            "/news;10\n/join;5\n")
    table = data.read_table(write("t.csv", text))
    assert list(table.columns) == ["Страница", "Визиты"] and len(table) == 2
    assert table.attrs["source"]["header_row"] == 4
    # Saved from Excel: the title row is padded with separators to the table's width.
    table = data.read_table(write("x.csv", "Сводка за январь;;\nОрганизация;Члены;Взносы\n"
                                           "А;10;1,5\nБ;20;2\n"))
    assert list(table.columns) == ["Организация", "Члены", "Взносы"]
    assert table["Взносы"].tolist() == [1.5, 2.0]


def test_totals_row_first_or_last_is_kept_apart(write):
    for name, text in (("top.csv", "Источник;Визиты\nИтого и средние;30\nvk;10\nok;20\n"),
                       ("end.csv", "Источник;Визиты\nvk;10\nok;20\nВсего;30\n")):
        table = data.read_table(write(name, text))
        assert table["Источник"].tolist() == ["vk", "ok"], name
        assert table["Визиты"].dtype == "int64" and table["Визиты"].sum() == 30
        assert table.attrs["totals"]["Визиты"] == 30
    assert data.read_table(write("n.csv", "Источник;Визиты\nvk;1\nok;2\n")).attrs.get(
        "totals") is None


def test_percentages_with_decimal_commas_stay_in_per_cent(write):
    table = data.read_table(write("p.csv", "Кампания;Отказы;Доля\nА;12,5 %;7%\nБ;8,25%;"
                                           "10\u00a0%\n"))
    assert table["Отказы"].tolist() == [12.5, 8.25]
    assert table["Доля"].dtype == "float64" and table["Доля"].tolist() == [7.0, 10.0]


def test_durations_become_timedeltas(write):
    table = data.read_table(write("d.csv", "Источник;Время на сайте\nvk;0:01:23\nok;1:02:03\n"))
    assert pd.api.types.is_timedelta64_dtype(table["Время на сайте"])
    assert table["Время на сайте"].dt.total_seconds().tolist() == [83.0, 3723.0]


def test_garbage_in_a_number_cell_names_the_row_and_the_column(write):
    rows = "".join(f"{d:02d}.01.2025;{d * 100}\n" for d in range(1, 21))
    path = write("g.csv", "Дата;Просмотры\n" + rows.replace("1200", "12OO"))
    with pytest.raises(data.DataError) as info:
        data.read_table(path)
    message = str(info.value)
    assert "g.csv" in message and "«Просмотры»" in message and "строка 13" in message
    assert "«12OO»" in message and "convert=False" in message
    assert data.read_table(path, convert=False)["Просмотры"].iloc[11] == "12OO"


def test_garbage_in_a_date_cell_names_the_row(write):
    rows = "".join(f"{d:02d}.03.2025;{d}\n" for d in range(1, 21)).replace("07.03.2025",
                                                                              "07.03.25г")
    with pytest.raises(data.DataError, match=r"«Дата».*строка 8: «07\.03\.25г»"):
        data.read_table(write("gd.csv", "Дата;Охват\n" + rows))
    with pytest.raises(data.DataError, match=r"строка 3: «2025-02-30»"):
        data.read_table(write("iso.csv", "Дата;Охват\n2025-02-01;1\n2025-02-30;2\n"))


def test_a_column_that_is_mostly_text_stays_text(write):
    table = data.read_table(write("m.csv", "Дом;Код\n12;007\n12а;010\n14;020\n"))
    assert table["Дом"].tolist() == ["12", "12а", "14"]
    assert table["Код"].tolist() == ["007", "010", "020"]


# --- broken copies of the raw exports ------------------------------------------------------

def test_truncated_exports_are_refused_with_the_file_and_the_row(write):
    vk = (RAW / "vk_stats_2025.csv").read_bytes()
    cut = vk[:vk.index(b"\n", len(vk) // 2) + 8]  # the next row's date and no more
    with pytest.raises(data.DataError) as info:
        data.read_table(write("vk_cut.csv", cut))
    message = str(info.value)
    assert "vk_cut.csv" in message and "не полностью" in message
    lines = cut.count(b"\n") + 1
    assert f"строка {lines} " in message
    metrica = (RAW / "metrica_utm_2025.csv").read_bytes()
    with pytest.raises(data.DataError, match=r"metrica_cut\.csv», строка \d+: .*не полностью"):
        data.read_table(write("metrica_cut.csv", metrica[:-7]))
    utf8 = (RAW / "telegram_stats_2025.csv").read_bytes()
    header = utf8.split(b"\n", 1)[0]
    with pytest.raises(data.DataError, match="tg_cut.csv"):  # cut inside a Cyrillic letter
        data.read_table(write("tg_cut.csv", header[:-1] + b"\n" + utf8.split(b"\n")[1][:5]))
    xlsx = (RAW / "membership_report_2025.xlsx").read_bytes()
    with pytest.raises(data.DataError, match=r"report_cut\.xlsx.*повреждён"):
        data.read_table(write("report_cut.xlsx", xlsx[:len(xlsx) // 2]))


def test_exports_in_a_wrong_or_mixed_encoding_are_refused(write):
    text = (RAW / "metrica_utm_2025.csv").read_bytes().decode("utf-8-sig")
    lines = text.split("\r\n")
    mixed = ("\r\n".join(lines[:12]) + "\r\n").encode("utf-8") + "\r\n".join(
        lines[12:]).encode("cp1251")
    with pytest.raises(data.DataError, match=r"mixed\.csv», строка 13: .*не в кодировке UTF-8"):
        data.read_table(write("mixed.csv", mixed))
    with pytest.raises(data.DataError, match=r"koi8\.csv».*KOI8-R"):
        data.read_table(write("koi8.csv", text.encode("koi8_r", errors="replace")))
    with pytest.raises(data.DataError, match=r"bom\.csv».*UTF-8"):
        data.read_table(write("bom.csv", b"\xef\xbb\xbf" + text.encode("cp1251")))
    # The same report re-saved in Windows-1251 is fine.
    resaved = data.read_table(write("cp1251.csv", text.encode("cp1251")))
    assert resaved["Визиты"].sum() == resaved.attrs["totals"]["Визиты"]


def test_exports_without_a_needed_column_or_with_garbage_are_refused(write):
    vk = (RAW / "vk_stats_2025.csv").read_bytes().decode("cp1251")
    no_reach = "\r\n".join(";".join(c for k, c in enumerate(line.split(";")) if k != 4)
                            for line in vk.split("\r\n"))
    with pytest.raises(data.DataError) as info:
        data.read_table(write("vk_no_reach.csv", no_reach, "cp1251"), required=["Дата", "Охват"])
    assert "vk_no_reach.csv" in str(info.value) and "«Охват»" in str(info.value)
    lines = vk.split("\r\n")
    cells = lines[10].split(";")
    cells[5] = cells[5][:-1] + "O"
    lines[10] = ";".join(cells)
    with pytest.raises(data.DataError) as info:
        data.read_table(write("vk_garbage.csv", "\r\n".join(lines), "cp1251"))
    message = str(info.value)
    assert "vk_garbage.csv" in message and "«Просмотры»" in message and "строка 11" in message


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
    before = snapshot(RAW)
    for path in sorted(RAW.iterdir()):
        data.read_table(path)
        data.read_table(path, convert=False)
    assert snapshot(RAW) == before
    for path in RAW.iterdir():
        shutil.copy2(path, tmp_path / path.name)
    vk = (RAW / "vk_stats_2025.csv").read_bytes()
    (tmp_path / "cut.csv").write_bytes(vk[:len(vk) // 2])
    (tmp_path / "garbage.csv").write_bytes(vk.replace(b";0;", b";0x;", 1))
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
