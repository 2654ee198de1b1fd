"""Files in and out of the pages and the API: a table or a research output streamed as a download, a batch's lines uploaded or pasted.

Here, not in a view module, so that the API (api.py) and the pages (keeping.py) both import them at the top.
"""

from __future__ import annotations

from flask import Response, request, stream_with_context

from newsarchive.search.batch import read_lines
from newsarchive.search.export import MEDIA_TYPES, Table, chunks
from newsarchive.search.request import QueryError
from newsarchive.search.research import Output

MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # a batch file: a thousand names fit many times over


def download(table: Table, fmt: str, name: str) -> Response:
    """A table streamed as a download: rows are written as they are read."""
    extension = {"excel": "csv"}.get(fmt, fmt)
    return Response(stream_with_context(chunks(table, fmt)), content_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}{"-excel" if fmt == "excel" else ""}.{extension}"'})


def output_download(output: Output) -> Response:
    """A research output (Iramuteq, TXM, GEXF) streamed as a download; when it was cut at its limit, the
    X-Export-Cut header says so (a corpus has no place for the note a table ends with)."""
    headers = {"Content-Disposition": f'attachment; filename="{output.filename}"'}
    if output.cut_message:
        headers["X-Export-Cut"] = output.cut_message
    return Response(stream_with_context(output.chunks), content_type=output.media_type, headers=headers)


def batch_lines() -> list[str]:
    """The batch's queries: an uploaded .txt or .csv (first column, or the column named `column`), else the pasted text."""
    upload = request.files.get("file")
    column = request.form.get("column", "").strip() or None
    if upload and upload.filename:
        raw = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(raw) > MAX_UPLOAD_BYTES:
            raise QueryError(f"the file is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MB")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise QueryError("the file is not UTF-8 text") from None
        return read_lines(text, upload.filename, column)
    return read_lines(request.form.get("lines", ""), column=column)
