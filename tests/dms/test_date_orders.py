"""A column of US dates is refused by the command, never misread; a day-first one always passes."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.dms.fields import FileKind
from app.dms.sniff import sniff
from app.dms.validate import check_date_orders
from app.errors import ImportFileError

MAPPING = {0: "customer.dms_ref", 1: "customer.birth_date"}


def check(days: list[dt.date], fmt: str, known: dict[str, str] | None = None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clients.csv"
        lines = ["N° client;Date naissance"]
        lines += [f"{300000 + i};{day.strftime(fmt)}" for i, day in enumerate(days)]
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
        check_date_orders(path, sniff(path), MAPPING, FileKind.CUSTOMERS, known)


birth_dates = st.lists(
    st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2010, 12, 31)), min_size=1,
    max_size=40,
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(birth_dates)
def test_day_first_dates_always_pass(days) -> None:
    check(days, "%d/%m/%Y")


@settings(max_examples=60, deadline=None)
@given(birth_dates)
def test_month_first_dates_are_refused_as_soon_as_one_shows_it(days) -> None:
    first = next((i for i, day in enumerate(days) if day.day > 12), None)
    if first is None:  # 02/03 and the like: nothing tells the order, nothing is refused
        check(days, "%m/%d/%Y")
        return
    with pytest.raises(ImportFileError) as refused:
        check(days, "%m/%d/%Y")
    message = str(refused.value)
    assert f"clients.csv, row {first + 2}, column “Date naissance”" in message
    assert days[first].strftime("%m/%d/%Y") in message
    check(days, "%m/%d/%Y", {"customer.birth_date": "mdy"})  # a profile that says so
