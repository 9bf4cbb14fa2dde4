"""CSV and XLSX downloads of the tables on the insights pages.

Every cell, headers included, is written as text and escaped against formula injection
(OWASP ASVS 1.2.10): a cell starting with = + - @ tab, carriage return or NUL gets a leading
single quote, so no spreadsheet evaluates what a customer typed into a comment. CSV streams
row by row (a million responses never sit in memory); XLSX is built by openpyxl in
write-only mode and stops after `CEM_EXPORT_XLSX_MAX_ROWS` rows, with a last row saying so.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Table:
    name: str  # the file name's stem, e.g. "trends-nps"
    headers: Sequence[str]
    rows: Iterable[Sequence]


def cell_text(value) -> str:
    """A cell as inert text: None empty, numbers and dates plain, formulas quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = _("yes") if value else _("no")
    elif isinstance(value, datetime):
        text = (
            timezone.localtime(value).isoformat(timespec="seconds")
            if timezone.is_aware(value)
            else value.isoformat(timespec="seconds")
        )
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, float | Decimal):
        text = f"{value:g}" if isinstance(value, float) else str(value)
    else:
        text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _lines(table: Table) -> Iterator[list[str]]:
    yield [cell_text(h) for h in table.headers]
    for row in table.rows:
        yield [cell_text(v) for v in row]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _filename(table: Table, fmt: str) -> str:
    stem = slugify(table.name) or "export"
    return f"{stem}-{timezone.localdate():%Y%m%d}.{fmt}"


def csv_response(table: Table) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    # A BOM so that spreadsheet programs read the UTF-8 (Persian, Chinese) as such.
    chunks = (writer.writerow(line) for line in _lines(table))
    response = StreamingHttpResponse(_with_bom(chunks), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(table, "csv")}"'
    return response


def _with_bom(chunks: Iterator[str]) -> Iterator[str]:
    yield "\ufeff"
    yield from chunks


def xlsx_bytes(table: Table, *, max_rows: int | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    max_rows = max_rows or settings.CEM_EXPORT_XLSX_MAX_ROWS
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(slugify(table.name) or "export")[:31])

    def text_cells(values: list[str]) -> list:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # never a formula, whatever the text
            cells.append(cell)
        return cells

    lines = _lines(table)
    sheet.append(text_cells(next(lines)))
    for count, line in enumerate(lines, start=1):
        if count > max_rows:
            note = _("Stopped after %(rows)s rows: download CSV for every row.") % {
                "rows": max_rows
            }
            sheet.append(text_cells([cell_text(note)]))
            break
        sheet.append(text_cells(line))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(table: Table) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(table), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(table, "xlsx")}"'
    return response


def export_response(table: Table, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise ValueError(f"Not an export format: {fmt!r}")
    return csv_response(table) if fmt == "csv" else xlsx_response(table)


def requested_format(request) -> str | None:
    """`?format=csv` or `?format=xlsx` on a page; None for the page itself."""
    fmt = request.GET.get("format")
    return fmt if fmt in FORMATS else None
