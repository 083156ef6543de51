"""A fresh progress store on each backend for the store's tests: SQLite in a temporary folder, and
PostgreSQL in a schema of its own when ``PIM_SIM_TEST_PG_URL`` is set (CI sets it)."""

from __future__ import annotations

import os
import uuid

import pytest

PG_URL = os.environ.get("PIM_SIM_TEST_PG_URL")


def _pg_location() -> tuple[str, str]:
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}", schema


@pytest.fixture(params=["sqlite", "postgresql"], name="backend")
def _backend(request, tmp_path):
    """Where a fresh store lives, for each backend (PostgreSQL only when PIM_SIM_TEST_PG_URL is set)."""
    if request.param == "sqlite":
        yield str(tmp_path / "progress.sqlite3")
        return
    if not PG_URL:
        pytest.skip("PIM_SIM_TEST_PG_URL is not set; CI sets it and starts PostgreSQL")
    url, schema = _pg_location()
    yield url
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
