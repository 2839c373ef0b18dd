"""The trainee's feedback page: nbconvert's HTML exporter without its BeautifulSoup pass.

nbconvert 7 parses every HTML page it has rendered back with BeautifulSoup, to give images
without alternative text an English one («No description has been provided for this image») and
to make JupyterLab-style cells focusable, and writes the page out again. For a feedback page
that pass took about 60 % of its time (~0.12 of 0.2 s a trainee) and put English into a Russian
page for screen readers. :class:`FeedbackExporter` renders the same template and gives images
Russian alternative text on the text itself; nbgrader's feedback template has no JupyterLab-style
cells to focus. Configured in the kit's nbgrader_config.py (``GenerateFeedback.exporter_class``).
"""
from __future__ import annotations

import re
from typing import Any

from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

__all__ = ["FeedbackExporter", "IMAGE_ALT"]

#: What a screen reader says for a picture in the page (a chart a trainee's cell drew).
IMAGE_ALT = "Рисунок, который вывела ячейка"
_IMAGE_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)", re.IGNORECASE)


class FeedbackExporter(HTMLExporter):
    """HTMLExporter's rendering (the same filters and template), minus its re-parsing."""

    def from_notebook_node(self, nb, resources: dict[str, Any] | None = None, **kw: Any):
        # As HTMLExporter.from_notebook_node up to its call of the template exporter.
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name", None))
        highlight_code = self.filters.get("highlight_code",
                                          Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata,
                                                 parent=self, resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return _IMAGE_WITHOUT_ALT.sub(f'<img alt="{IMAGE_ALT}"', html), resources
