"""The widget script the site serves itself: @jupyter-widgets/html-manager's standalone embed.js.

Lesson pages carry each widget's saved state; the embed script draws the widgets from it in the
browser, with no kernel. The script is fetched once with npm (``npm pack``) into a cache folder
and copied into the site, so the site never asks a CDN for it. Without npm (or offline on the
first build) the site is still built: widgets show as their static text, and the build says so.
"""
from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

__all__ = ["PACKAGE", "VERSION", "NO_WIDGETS", "fetch_embed", "install_embed"]

PACKAGE = "@jupyter-widgets/html-manager"
VERSION = "1.0.15"  # the html-manager of ipywidgets 8.1.x (requirements.txt pins ipywidgets==8.1.9)
NO_WIDGETS = ("Не удалось получить скрипт виджетов {package}@{version} через npm ({why}). Сайт "
              "собран, но виджеты (ползунки, списки) на его страницах показаны статичным текстом. "
              "Поставьте Node.js с npm (Debian и Ubuntu: sudo apt install npm) и повторите make site.")
# What of the package the site needs: the standalone script and the icon fonts it loads
# next to itself (webpack's public path is the script's own folder). Browsers take the woff2 or
# woff form of a font; the eot, ttf and svg copies (2,5 MB) are for browsers of ten years ago.
_KEEP = (".js", ".woff", ".woff2")


def fetch_embed(cache: Path) -> tuple[Path | None, str]:
    """The cached ``dist/`` folder of the package (fetched with npm if missing) and a note.

    Returns ``(folder, "")`` on success and ``(None, Russian message)`` when npm is missing or
    fails."""
    target = cache / f"html-manager-{VERSION}"
    if (target / "embed.js").is_file():
        return target, ""
    npm = shutil.which("npm")
    if npm is None:
        return None, NO_WIDGETS.format(package=PACKAGE, version=VERSION, why="npm не найден")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            run = subprocess.run([npm, "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=tmp,
                                 capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            return None, NO_WIDGETS.format(package=PACKAGE, version=VERSION,
                                           why="npm не ответил за 5 минут")
        tarballs = list(Path(tmp).glob("*.tgz"))
        if run.returncode != 0 or not tarballs:
            why = (run.stderr.strip().splitlines() or ["npm pack завершился с ошибкой"])[-1]
            return None, NO_WIDGETS.format(package=PACKAGE, version=VERSION, why=why)
        staging = Path(tmp) / "dist"
        staging.mkdir()
        with tarfile.open(tarballs[0]) as tar:
            for member in tar.getmembers():
                name = Path(member.name)
                if (member.isfile() and name.parts[:2] == ("package", "dist")
                        and len(name.parts) == 3 and name.suffix in _KEEP
                        and "amd" not in name.name):
                    member.name = name.name
                    tar.extract(member, staging, filter="data")
        if not (staging / "embed.js").is_file():
            return None, NO_WIDGETS.format(package=PACKAGE, version=VERSION,
                                           why="в пакете нет dist/embed.js")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(staging, target)
    return target, ""


def install_embed(cache: Path, static: Path) -> tuple[dict[str, dict[str, str]], str]:
    """Copy the embed script into the site's static folder.

    Returns myst-nb's ``nb_ipywidgets_js`` setting (the script, relative to ``_static``) and
    the note to show when widgets will stay static (then the setting is empty)."""
    dist, note = fetch_embed(cache)
    if dist is None:
        return {}, note
    target = static / "widgets"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(dist, target, ignore=lambda folder, names: [
        n for n in names if not n.endswith(_KEEP)])
    return {"widgets/embed.js": {}}, ""
