"""The one upload limit of the dashboard, and the check every upload widget makes.

Streamlit refuses a file above ``server.maxUploadSize`` (megabytes of 1,048,576 bytes) with a bare
HTTP 413 the page shows as "AxiosError: Request failed with status code 413". A widget's own
``max_upload_size`` only changes what the widget says and checks in the browser, so a widget
promising more than the server accepts fails that way. Here the limit is stated once,
:data:`MAX_UPLOAD_MB`; ``.streamlit/config.toml`` sets ``server.maxUploadSize`` to the same number
(a test checks), every uploader passes it to the widget, and :func:`content` checks it again on
the server with a sentence a student can act on (a client can skip the browser's check).
"""

from __future__ import annotations

import streamlit as st

from ui.escape import markdown

MAX_UPLOAD_MB = 2
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024


def uploader(where, label: str, **kwargs):
    """``where.file_uploader`` with the dashboard's limit."""
    return where.file_uploader(label, max_upload_size=MAX_UPLOAD_MB, **kwargs)


def too_large(size: int, name: str = "the file") -> str | None:
    """The message for an upload over the limit, or None."""
    if size <= MAX_UPLOAD_BYTES:
        return None
    return f"{name} is {size / 1024 / 1024:.1f} MB; uploads are limited to {MAX_UPLOAD_MB} MB."


def content(upload, where=st) -> bytes | None:
    """The bytes of an upload, or None (with the reason shown) when it is over the limit."""
    if upload is None:
        return None
    data = upload.getvalue()
    problem = too_large(len(data), upload.name)
    if problem:
        where.error(markdown(problem))
        return None
    return data
