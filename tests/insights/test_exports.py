"""CSV and XLSX exports: every cell inert (ASVS 1.2.10), headers included."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from insights.exports import Table, cell_text, csv_response, xlsx_bytes

DANGEROUS = ['=HYPERLINK("http://evil")', "+1+2", "-3+4", "@SUM(A1)", "\tx", "\rx", "\0x"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_cell_that_starts_like_a_formula_gets_a_leading_quote(text):
    assert cell_text(text) == "'" + text


def test_plain_cells_are_left_alone_and_values_become_text():
    assert [cell_text(v) for v in ("Northbridge", 12, 2.5, None, date(2026, 1, 2))] == [
        "Northbridge", "12", "2.5", "", "2026-01-02"
    ]  # fmt: skip
    assert cell_text(-16.0) == "'-16"  # a negative figure is quoted like any minus


def table() -> Table:
    return Table(
        name="comments", headers=["=Header", "Text"], rows=[[1, DANGEROUS[0]], [2, "fine"]]
    )


def test_the_csv_download_escapes_headers_and_cells():
    response = csv_response(table())
    body = b"".join(response.streaming_content).decode("utf-8-sig")

    rows = list(csv.reader(io.StringIO(body)))

    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="comments-' in response["Content-Disposition"]
    assert rows == [["'=Header", "Text"], ["1", "'" + DANGEROUS[0]], ["2", "fine"]]


def test_the_xlsx_download_holds_only_text_cells_and_no_formula():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(table()))).active

    cells = [cell for row in sheet.iter_rows() for cell in row]

    assert [c.value for c in cells] == ["'=Header", "Text", "1", "'" + DANGEROUS[0], "2", "fine"]
    assert {c.data_type for c in cells} == {"s"}


def test_the_xlsx_download_stops_at_its_row_limit_and_says_so():
    big = Table(name="big", headers=["n"], rows=([i] for i in range(10)))

    sheet = load_workbook(io.BytesIO(xlsx_bytes(big, max_rows=3))).active
    values = [row[0].value for row in sheet.iter_rows()]

    assert values[:4] == ["n", "0", "1", "2"]
    assert len(values) == 5 and "CSV" in values[-1]
