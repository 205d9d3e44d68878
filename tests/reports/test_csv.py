"""CSV: cells Excel would run as formulas are neutralized; Japanese text survives with a BOM."""

from __future__ import annotations

import csv
import io

import pytest

from reports.csv import render, safe_cell
from tests.reliability import record
from tests.reports.sample import sample_result


@pytest.mark.parametrize("raw", ["=1+1", "+SUM(A1)", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0", "\t=1", "\r=1"])
def test_formula_starts_are_quoted(raw: str) -> None:
    assert safe_cell(raw) == "'" + raw


@pytest.mark.parametrize("raw", ["tokyo", "バケット", "a=b", "1-2", "", None, 42])
def test_ordinary_cells_are_unchanged(raw: object) -> None:
    assert safe_cell(raw) == ("" if raw is None else str(raw))


def test_no_cell_of_a_real_report_starts_a_formula() -> None:
    data = render(sample_result(), "ja")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert "'=cmd|' /C calc'!A0" in cells
    record("canaries", canary="spreadsheet formula in a resource name (=cmd|' /C calc'!A0)",
           searched="every cell of govscan.csv", leaks=0)
    assert any("リソース" in c or "国外" in c for c in cells)
