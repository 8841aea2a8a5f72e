"""A search's examples exported: as the JSON import format (a streamed array of records,
which `kb import` takes back) or as CSV for a spreadsheet."""
import json

from flask import Response, stream_with_context, url_for

from kb.services.records import FIELDS, to_export_record, to_record
from kb.web.csvfile import csv_response

LEADING = ("id", "url", "published_at")  # the CSV's columns before the record's fields
LIST_SEPARATOR = "; "  # between the values of a list field in one CSV cell


def json_export(examples, filename: str) -> Response:
    """The examples as a JSON array of import records, sent as they are read."""
    def chunks():
        yield "["
        for number, example in enumerate(examples):
            yield ("," if number else "") + "\n" + json.dumps(to_export_record(example),
                                                              ensure_ascii=False)
        yield "\n]\n"
    return Response(stream_with_context(chunks()), mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


def _csv_row(example) -> list:
    """One example as CSV cells: id, address, publication, then the record's fields."""
    record = to_record(example)
    cells = [example.id, url_for("public.example", example_id=example.id, slug=example.slug,
                                 _external=True),
             example.published_at.isoformat() if example.published_at else ""]
    for name in FIELDS:
        value = record[name]
        cells.append(LIST_SEPARATOR.join(value) if isinstance(value, list) else value)
    return cells


def csv_export(examples, filename: str) -> Response:
    """The examples as CSV, one row each, sent as they are read."""
    return csv_response((*LEADING, *FIELDS), (_csv_row(example) for example in examples),
                        filename)
