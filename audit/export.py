"""CSV exports streamed row by row: a year's trail never sits in memory at once."""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

BATCH = 2000
# A cell a spreadsheet would read as a formula starts with one of these: it is quoted as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file whose write hands back what it was given: csv.writer then yields each line."""

    def write(self, value: str) -> str:
        return value


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def streamed_csv(
    filename: str, header: list[str], rows: Iterable[Iterable[object]]
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
