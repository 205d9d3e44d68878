"""The HTML report: one self-contained, bilingual file with charts, filters and details."""

from reports.html.writer import render

__all__ = ["render"]
