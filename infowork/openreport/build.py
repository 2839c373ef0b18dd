"""Render the open report of one organisation: HTML (self-contained), JSON and PDF.

papermill runs the report notebook (``open_report.ipynb``) with the organisation and the year
in a temporary folder; nbconvert turns its outputs (no code) into one HTML page with the
charts embedded, no external URLs, ``lang="ru"`` and an A4 print stylesheet; headless
Chromium prints the page to PDF. Where Chromium is missing the HTML and the JSON are still
written and :data:`NO_CHROMIUM` says how to install it.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

import nbformat

from infowork.openreport import figures

__all__ = ["NOTEBOOK", "NO_CHROMIUM", "RenderError", "find_chromium", "execute", "to_html",
           "to_pdf", "render"]

NOTEBOOK = Path(__file__).with_name("open_report.ipynb")
NO_CHROMIUM = ("PDF не сделан: не найден браузер Chromium. HTML и JSON готовы; чтобы получать "
               "и PDF, установите Chromium одной командой: sudo apt install chromium")

#: Seconds one cell of the report notebook may run.
CELL_TIMEOUT = 300

# The print stylesheet: A4 with margins, charts and tables never split across pages.
CSS = """
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 11pt;
       line-height: 1.45; color: #222; max-width: 46em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 20pt; line-height: 1.2; margin: 0 0 .4em; color: #0b3d6b; }
h2 { font-size: 14pt; margin: 1.4em 0 .4em; color: #0b3d6b; break-after: avoid; }
table { border-collapse: collapse; margin: .6em 0; width: 100%; break-inside: avoid; }
th, td { border-bottom: 1px solid #ccc; padding: .25em .5em; text-align: left;
         vertical-align: top; }
td:first-child { width: 45%; }
img { max-width: 100%; height: auto; display: block; margin: .4em auto; }
.output_png, .jp-RenderedImage, .output_subarea, figure { break-inside: avoid; }
.output_area, .output_subarea { margin: 0; padding: 0; }
hr { border: 0; border-top: 1px solid #ccc; margin: 1.5em 0 .5em; }
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  img { max-height: 105mm; width: auto; break-inside: avoid; page-break-inside: avoid; }
  h2 { page-break-after: avoid; }
}
"""

_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//""",
                       re.I)


class RenderError(Exception):
    """The report could not be made; the message (Russian) says for which organisation and why."""


def find_chromium() -> str | None:
    """The Chromium binary (chromium or chromium-browser) on PATH, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def execute(org_id: str, year: int, workdir: Path, vk_export=None):
    """Run the report notebook for the organisation in ``workdir``; the executed notebook."""
    import papermill
    from jupyter_client.manager import KernelManager

    # Agg (set for scripts and tests) would drop the inline charts: the kernel must not inherit it.
    env_backend = os.environ.pop("MPLBACKEND", None)
    # Local sockets in the temporary folder: no TCP port (and no ipykernel warning about one).
    kernel = KernelManager(kernel_name="python3", transport="ipc", ip=str(workdir / "kernel"))
    try:
        out = workdir / f"{org_id}.ipynb"
        papermill.execute_notebook(
            str(NOTEBOOK), str(out), kernel_name="python3", cwd=str(workdir), km=kernel,
            execution_timeout=CELL_TIMEOUT,
            parameters={"org_id": org_id, "year": int(year),
                        "vk_export": None if vk_export is None else str(vk_export)},
            progress_bar=False, log_output=False, report_mode=False)
    except papermill.PapermillExecutionError as error:
        raise RenderError(f"{org_id}: блокнот отчёта остановился с ошибкой "
                          f"{error.ename}: {error.evalue}") from error
    finally:
        if kernel.has_kernel:  # papermill leaves a kernel it did not start running
            kernel.shutdown_kernel(now=True)
        if env_backend is not None:
            os.environ["MPLBACKEND"] = env_backend
    return nbformat.read(out, as_version=4)


def to_html(notebook, title: str) -> str:
    """The notebook's outputs as one self-contained Russian HTML page (no code, no prompts)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell", "parameters",
                                                     "injected-parameters"}
    exporter = HTMLExporter(config=config, template_name="basic", exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True,
                            anchor_link_text="")
    body, _ = exporter.from_notebook_node(notebook)
    # the basic template's own scripts and styles are not needed for a static page
    body = re.sub(r"<script\b.*?</script>", "", body, flags=re.S | re.I)
    body = re.sub(r"<link\b[^>]*>", "", body, flags=re.I)
    body = re.sub(r"<style\b.*?</style>", "", body, flags=re.S | re.I)
    body = re.sub(r'<a class="anchor-link"[^>]*>.*?</a>', "", body, flags=re.S)
    body = body.replace('alt="No description has been provided for this image"', 'alt="График"')
    page = (f'<!DOCTYPE html>\n<html lang="ru">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")
    if _EXTERNAL.search(page):
        raise RenderError(f"{title}: в странице осталась внешняя ссылка: "
                          f"{_EXTERNAL.search(page).group(0)}")
    return page


def to_pdf(html_path: Path, pdf_path: Path, chromium: str, timeout: int = 120) -> Path:
    """Print the HTML page to PDF (A4, no header and footer) with headless Chromium."""
    with tempfile.TemporaryDirectory(prefix="infowork-chromium-") as profile:
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
                   "--no-pdf-header-footer", f"--user-data-dir={profile}",
                   f"--print-to-pdf={pdf_path.resolve()}", html_path.resolve().as_uri()]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as error:
            raise RenderError(f"Chromium не успел сделать PDF за {timeout} с: {pdf_path}") from error
    if result.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        tail = (result.stderr or "").strip().splitlines()[-3:]
        raise RenderError(f"Chromium не сделал PDF {pdf_path.name}: " + " ".join(tail))
    return pdf_path


def render(org_id: str, year: int, out_dir, *, vk_export=None, pdf: bool = True) -> dict[str, Path]:
    """Make the open report of one organisation and year in ``out_dir``.

    Writes ``<ORG_ID>.html``, ``<ORG_ID>.json`` (the key figures) and, when ``pdf`` and
    Chromium is installed, ``<ORG_ID>.pdf``; returns the paths by kind ("html", "json",
    "pdf"). When the PDF was wanted but Chromium is missing, the result has no "pdf" and a
    warning (:data:`NO_CHROMIUM`, in Russian) says how to install it. Unknown organisation or year:
    ``figures.ReportDataError``; a VK export that cannot be read: ``data.DataError`` naming it.
    """
    figures.check(org_id, year)
    if vk_export is not None:
        vk_export = Path(vk_export).resolve()
    key = figures.key_figures(org_id, year, vk_export=vk_export)  # also checks the export
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="infowork-report-") as tmp:
        notebook = execute(org_id, year, Path(tmp), vk_export=vk_export)
    page = to_html(notebook, f"Открытый отчёт: {key['name']}, {int(year)} год")
    paths["html"] = out_dir / f"{org_id}.html"
    paths["html"].write_text(page, encoding="utf-8")
    paths["json"] = out_dir / f"{org_id}.json"
    paths["json"].write_text(json.dumps(key, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
    if pdf:
        chromium = find_chromium()
        if chromium is None:
            warnings.warn(NO_CHROMIUM, stacklevel=2)
        else:
            paths["pdf"] = to_pdf(paths["html"], out_dir / f"{org_id}.pdf", chromium)
    return paths
