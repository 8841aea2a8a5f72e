"""CSV downloads for spreadsheets: streamed, UTF-8 with a byte-order mark (so that Dutch
spreadsheet programs read the accents right), and safe against formula injection."""
import csv
import io
from collections.abc import Iterable

from flask import Response, stream_with_context

BOM = "\ufeff"
# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell's text, with a leading quote when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_lines(header: Iterable, rows: Iterable[Iterable]):
    """The CSV text line by line: the byte-order mark and header first, every cell safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells) -> str:
        writer.writerow([safe_cell(cell) for cell in cells])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield BOM + line(header)
    for row in rows:
        yield line(row)


def csv_response(header: Iterable, rows: Iterable[Iterable], filename: str) -> Response:
    """A streamed CSV download (the rows are produced as the answer is sent)."""
    return Response(stream_with_context(csv_lines(header, rows)),
                    mimetype="text/csv", headers={
                        "Content-Disposition": f'attachment; filename="{filename}"',
                        "X-Content-Type-Options": "nosniff"})


def csv_error(message: str, status: int = 400) -> Response:
    """A refused CSV request: the reason as plain text."""
    return Response(message + "\n", status, mimetype="text/plain")
