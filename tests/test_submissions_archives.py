"""Work that arrives as zip archives or in one folder per trainee (`infowork grade` reads
them in memory, without changing the folder). Fast unit tests of scan_folder, plus one real
nbgrader run that grades a zipped solution."""
from __future__ import annotations

import hashlib
import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

import nbformat
import pytest

from infowork.grading import submissions
from infowork.grading.submissions import scan_folder

from conftest import tiny_master


MASTER = tiny_master()
MASTERS = {"99_demo": MASTER}
NOTEBOOK = nbformat.writes(MASTER).encode("utf-8")


def _zip(path: Path, members: dict[str, bytes | str], dates: dict[str, tuple] | None = None
         ) -> Path:
    """A zip archive; a member's content may be bytes or text."""
    dates = dates or {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            info = zipfile.ZipInfo(name, date_time=dates.get(name, (2025, 3, 14, 10, 0, 0)))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return path


def _scan(folder):
    candidates, rejected = scan_folder(folder, MASTERS)
    return {c.student: c for c in candidates}, dict(rejected)


def test_zip_with_named_notebooks_one_per_trainee_or_the_whole_group(tmp_path):
    _zip(tmp_path / "ivanov_99_demo.zip", {"ivanov_99_demo.ipynb": NOTEBOOK})
    _zip(tmp_path / "группа_3.zip", {"Петрова_99_demo.ipynb": NOTEBOOK,
                                      "sidorov-99_demo (1).ipynb": NOTEBOOK})
    found, rejected = _scan(tmp_path)
    assert sorted(found) == ["ivanov", "petrova", "sidorov"]
    ivanov = found["ivanov"]
    assert ivanov.label == "ivanov_99_demo.zip/ivanov_99_demo.ipynb"
    assert ivanov.path == tmp_path / "ivanov_99_demo.zip" and ivanov.path.is_file()
    assert ivanov.nb is not None and ivanov.problems == [] and ivanov.notebook == "99_demo"
    assert found["petrova"].name == "Петрова"
    assert found["petrova"].label == "группа_3.zip/Петрова_99_demo.ipynb"
    assert rejected == {}


def test_zip_named_by_the_trainee_holding_a_bare_notebook(tmp_path):
    _zip(tmp_path / "Иванов.zip", {"99_demo.ipynb": NOTEBOOK,
                                   "__MACOSX/._99_demo.ipynb": b"\0\5\26\7",
                                   ".ipynb_checkpoints/99_demo-checkpoint.ipynb": NOTEBOOK,
                                   "data.csv": "a;b\n1;2\n"})
    _zip(tmp_path / "Петров_99_demo (1).zip", {"99_demo.ipynb": NOTEBOOK})
    # «Send to compressed folder» on a trainee's folder: the folder inside names the trainee.
    _zip(tmp_path / "работа.zip", {"Смирнова Анна/": b"", "Смирнова Анна/99_demo.ipynb": NOTEBOOK})
    # Renamed notebook in a named archive: recognised by its cells.
    _zip(tmp_path / "orlov.zip", {"Untitled1.ipynb": NOTEBOOK})
    found, rejected = _scan(tmp_path)
    assert sorted(found) == ["ivanov", "orlov", "petrov", "smirnova_anna"]
    assert found["ivanov"].name == "Иванов" and found["ivanov"].label == "Иванов.zip/99_demo.ipynb"
    assert found["ivanov"].problems == []  # the checkpoint copy is not a second file
    assert found["petrov"].notebook == "99_demo"
    assert found["smirnova_anna"].name == "Смирнова Анна"
    assert found["smirnova_anna"].label == "работа.zip/Смирнова Анна/99_demo.ipynb"
    assert any("переименован («orlov.zip/Untitled1.ipynb»)" in p for p in found["orlov"].problems)
    assert rejected == {}


def test_archive_named_after_the_task_vouches_for_its_only_notebook(tmp_path):
    _zip(tmp_path / "ivanov_99_demo.zip", {"Untitled.ipynb": NOTEBOOK})     # not «renamed»
    _zip(tmp_path / "petrov_99_demo.zip", {"Untitled.ipynb": '{"cells": ['})  # unreadable
    _zip(tmp_path / "orlov_99_demo.zip", {"a.ipynb": '{"cells": [', "b.ipynb": "{"})
    found, rejected = _scan(tmp_path)
    assert sorted(found) == ["ivanov", "petrov"]
    assert found["ivanov"].problems == [] and found["ivanov"].notebook == "99_demo"
    # Graded as zero with the reason, like a broken loose ivanov_99_demo.ipynb.
    assert found["petrov"].nb is None
    assert found["petrov"].problems == ["файл не является блокнотом Jupyter (повреждённый JSON)"]
    # Two unreadable notebooks: which one is the work cannot be told.
    assert "повреждённый JSON" in rejected["orlov_99_demo.zip/a.ipynb"]
    assert "orlov_99_demo.zip/b.ipynb" in rejected


def test_bare_notebook_in_an_archive_named_by_no_one_is_reported(tmp_path):
    _zip(tmp_path / "zadanie.zip", {"99_demo.ipynb": NOTEBOOK})
    found, rejected = _scan(tmp_path)
    assert found == {}
    assert "ни в имени файла, ни в имени папки или архива нет фамилии" in \
        rejected["zadanie.zip/99_demo.ipynb"]


def _with_raw_name(data: bytes, placeholder: str, raw: bytes) -> bytes:
    """Put ``raw`` name bytes where zipfile wrote ``placeholder`` (no UTF-8 flag, as Windows'
    and macOS' own zip tools write names)."""
    assert len(placeholder.encode("ascii")) == len(raw)
    assert data.count(placeholder.encode("ascii")) == 2  # local header and central directory
    return data.replace(placeholder.encode("ascii"), raw)


@pytest.mark.parametrize("encoding, name, student, written", [
    ("cp866", "Щукина Ёлка_99_demo.ipynb", "shchukina_elka", "Щукина Ёлка"),
    ("utf-8", "Щукина Ёлка_99_demo.ipynb", "shchukina_elka", "Щукина Ёлка"),
    # These cp866 bytes are also valid UTF-8 (an Arabic letter): cp866 must still win.
    ("cp866", "яна_99_demo.ipynb", "yana", "яна"),
], ids=["windows-cp866", "macos-utf8", "cp866-that-decodes-as-utf8"])
def test_member_names_without_the_utf8_flag_are_decoded(tmp_path, encoding, name, student,
                                                         written):
    raw = name.encode(encoding)
    placeholder = "x" * (len(raw) - len("_99_demo.ipynb")) + "_99_demo.ipynb"
    buffer = io.BytesIO()
    _zip(buffer, {placeholder: NOTEBOOK})
    (tmp_path / "from_windows.zip").write_bytes(_with_raw_name(buffer.getvalue(), placeholder, raw))
    with zipfile.ZipFile(tmp_path / "from_windows.zip") as archive:
        assert not archive.infolist()[0].flag_bits & 0x800
    found, rejected = _scan(tmp_path)
    assert list(found) == [student] and rejected == {}
    assert found[student].label == f"from_windows.zip/{name}"
    assert found[student].name == written


def test_unicode_path_extra_field_names_the_member(tmp_path):
    """WinRAR and 7-Zip write «?» for letters the DOS code page lacks and keep the real name
    in the Info-ZIP Unicode Path field."""
    shown = "?онта_99_demo.ipynb".encode("cp866")
    real = "Ґонта_99_demo.ipynb".encode("utf-8")
    info = zipfile.ZipInfo("xxxxx_99_demo.ipynb", date_time=(2025, 3, 14, 10, 0, 0))
    info.extra = struct.pack("<HHBL", 0x7075, 5 + len(real), 1, zlib.crc32(shown)) + real
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, NOTEBOOK)
    data = _with_raw_name(buffer.getvalue(), "xxxxx_99_demo.ipynb", shown)
    (tmp_path / "rar.zip").write_bytes(data)
    found, rejected = _scan(tmp_path)
    assert list(found) == ["gonta"] and rejected == {}
    assert found["gonta"].label == "rar.zip/Ґонта_99_demo.ipynb"


def test_corrupt_and_password_protected_archives_are_rejected_and_the_rest_graded(tmp_path):
    good = _zip(tmp_path / "ivanov.zip", {"99_demo.ipynb": NOTEBOOK}).read_bytes()
    (tmp_path / "petrov.zip").write_bytes(good[: len(good) // 2])       # cut off in transfer
    (tmp_path / "sidorov.zip").write_bytes(b"Rar!\x1a\x07\x00" + b"\0" * 64)  # a RAR renamed
    # Encrypted: the flag bit of the central directory entry (zipfile cannot write passwords).
    central = good.index(b"PK\x01\x02")
    locked = bytearray(good)
    locked[central + 8] |= 0x1
    (tmp_path / "orlova.zip").write_bytes(bytes(locked))
    # A member whose compressed data is damaged: the archive opens, the notebook does not.
    damaged = bytearray(good)
    damaged[60:90] = b"\xff" * 30
    (tmp_path / "kozlov.zip").write_bytes(bytes(damaged))
    (tmp_path / "volkov.rar").write_bytes(b"Rar!\x1a\x07\x00")
    found, rejected = _scan(tmp_path)
    assert sorted(found) == ["ivanov", "kozlov"]
    assert found["kozlov"].nb is None
    assert any("архив повреждён" in p for p in found["kozlov"].problems)
    assert "архив повреждён" in rejected["petrov.zip"]
    assert "архив повреждён" in rejected["sidorov.zip"]
    assert "архив защищён паролем" in rejected["orlova.zip"]
    assert "RAR не поддерживаются" in rejected["volkov.rar"]


def test_archive_without_notebooks_is_reported(tmp_path):
    _zip(tmp_path / "ivanov.zip", {"ivanov.docx": b"PK\3\4", "__MACOSX/._ivanov_99_demo.ipynb":
                                   b"\0\5\26\7", "ivanov/.hidden.ipynb": NOTEBOOK})
    found, rejected = _scan(tmp_path)
    assert found == {}
    assert rejected == {"ivanov.zip": "в архиве нет блокнотов .ipynb"}


def test_oversized_member_and_too_many_members_are_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(submissions, "MAX_MEMBER_MB", 0.0005)  # ~500 bytes; the notebook is larger
    monkeypatch.setattr(submissions, "MAX_ARCHIVE_MEMBERS", 3)
    assert len(NOTEBOOK) > 0.0005 * 1024 * 1024
    _zip(tmp_path / "ivanov.zip", {"ivanov_99_demo.ipynb": NOTEBOOK})
    _zip(tmp_path / "petrov.zip", {f"petrov_{i}.txt": "x" for i in range(4)})
    found, rejected = _scan(tmp_path)
    assert found == {}
    assert "слишком большой" in rejected["ivanov.zip/ivanov_99_demo.ipynb"]
    assert "слишком много файлов (4, допустимо до 3)" in rejected["petrov.zip"]


def test_trainee_folders_one_level_deep(tmp_path):
    (tmp_path / "ivanov").mkdir()
    (tmp_path / "ivanov" / "99_demo.ipynb").write_bytes(NOTEBOOK)
    (tmp_path / "ivanov" / "posts.csv").write_text("a;b\n", encoding="utf-8")  # data: ignored
    (tmp_path / "ivanov" / ".ipynb_checkpoints").mkdir()
    (tmp_path / "ivanov" / ".ipynb_checkpoints" / "99_demo-checkpoint.ipynb").write_bytes(NOTEBOOK)
    (tmp_path / "Петров Пётр").mkdir()
    (tmp_path / "Петров Пётр" / "99_demo (1).ipynb").write_bytes(NOTEBOOK)
    (tmp_path / "group").mkdir()   # a file's own surname beats its folder's name
    (tmp_path / "group" / "sidorova_99_demo.ipynb").write_bytes(NOTEBOOK)
    found, rejected = _scan(tmp_path)
    assert sorted(found) == ["ivanov", "petrov_petr", "sidorova"]
    assert found["ivanov"].label == "ivanov/99_demo.ipynb"
    assert found["ivanov"].path == tmp_path / "ivanov" / "99_demo.ipynb"
    assert found["petrov_petr"].name == "Петров Пётр"
    assert found["sidorova"].label == "group/sidorova_99_demo.ipynb"
    assert rejected == {}


def test_nested_and_empty_folders_and_archives_in_folders_are_reported(tmp_path):
    (tmp_path / "orlov" / "work").mkdir(parents=True)
    (tmp_path / "orlov" / "work" / "99_demo.ipynb").write_bytes(NOTEBOOK)
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("список группы", encoding="utf-8")
    (tmp_path / "kozlov").mkdir()
    _zip(tmp_path / "kozlov" / "kozlov.zip", {"99_demo.ipynb": NOTEBOOK})
    (tmp_path / "ivanov_99_demo.ipynb").write_bytes(NOTEBOOK)
    found, rejected = _scan(tmp_path)
    assert list(found) == ["ivanov"]
    assert rejected == {
        "orlov/work/": "вложенная папка пропущена: положите блокнот прямо в папку orlov/",
        "empty/": "пустая папка",
        "notes/": "в папке нет блокнотов .ipynb",
        "kozlov/kozlov.zip": "архив внутри папки пропущен: положите его прямо в проверяемую "
                             "папку или распакуйте",
    }


def test_newest_copy_wins_across_archives_files_and_members(tmp_path):
    older = _zip(tmp_path / "ivanov.zip", {"99_demo.ipynb": NOTEBOOK})
    newer = tmp_path / "ivanov_99_demo (1).ipynb"
    newer.write_bytes(NOTEBOOK)
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_700_000_100, 1_700_000_100))
    # Two copies in one archive: the member saved later wins.
    _zip(tmp_path / "petrov.zip", {"99_demo (1).ipynb": NOTEBOOK, "99_demo.ipynb": NOTEBOOK},
         dates={"99_demo (1).ipynb": (2025, 3, 14, 12, 0, 0),
                "99_demo.ipynb": (2025, 3, 14, 9, 0, 0)})
    found, rejected = _scan(tmp_path)
    assert found["ivanov"].label == newer.name
    assert found["ivanov"].problems[0] == f"прислано файлов: 2, проверен {newer.name}"
    assert rejected["ivanov.zip/99_demo.ipynb"] == f"есть файл новее: у слушателя ivanov " \
                                                   f"проверен {newer.name}"
    assert found["petrov"].label == "petrov.zip/99_demo (1).ipynb"
    assert "есть файл новее" in rejected["petrov.zip/99_demo.ipynb"]


def _fingerprint(folder: Path) -> dict[str, tuple]:
    return {p.relative_to(folder).as_posix(): (p.is_dir(), p.stat().st_mtime_ns,
                                               hashlib.sha256(p.read_bytes()).hexdigest()
                                               if p.is_file() else "")
            for p in sorted(folder.rglob("*"))}


def test_input_folder_is_unchanged_and_nothing_is_extracted(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _zip(inbox / "Иванов.zip", {"99_demo.ipynb": NOTEBOOK, "__MACOSX/._99_demo.ipynb": b"\0"})
    _zip(inbox / "group.zip", {"petrov/99_demo.ipynb": NOTEBOOK, "../evil_99_demo.ipynb": NOTEBOOK})
    (inbox / "broken.zip").write_bytes(b"PK\3\4 not really")
    (inbox / "sidorova").mkdir()
    (inbox / "sidorova" / "99_demo.ipynb").write_bytes(NOTEBOOK)
    (inbox / "kozlov_99_demo.ipynb").write_bytes(NOTEBOOK)
    before = _fingerprint(inbox)
    cwd_before = sorted(os.listdir(Path.cwd()))
    found, rejected = _scan(inbox)
    assert sorted(found) == ["ivanov", "kozlov", "petrov", "sidorova"]  # "../" is skipped
    assert "broken.zip" in rejected
    assert _fingerprint(inbox) == before
    assert sorted(os.listdir(tmp_path)) == ["inbox"]
    assert sorted(os.listdir(Path.cwd())) == cwd_before
