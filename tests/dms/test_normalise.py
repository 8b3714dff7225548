"""Normalisation of one value: every accepted shape gives the same result; idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.dms import normalise as norm

DATES = st.dates(min_value=dt.date(1920, 1, 2), max_value=dt.date(2099, 12, 31))


@given(
    DATES,
    st.sampled_from(
        [
            "{d:02d}/{m:02d}/{y}",
            "{d}/{m}/{y}",
            "{d:02d}.{m:02d}.{y}",
            "{y}-{m:02d}-{d:02d}",
            "{d:02d}-{m:02d}-{y}",
            "serial",
            "{y}{m:02d}{d:02d}",
            "iso-time",
            "datetime",
            "float",
        ]
    ),
)
def test_a_date_in_any_accepted_shape_parses_to_itself(day, shape):
    if shape == "serial":
        value = str((day - norm.EXCEL_EPOCH).days)
    elif shape == "float":
        value = float((day - norm.EXCEL_EPOCH).days)
    elif shape == "iso-time":
        value = f"{day.isoformat()} 00:00:00"
    elif shape == "datetime":
        value = dt.datetime.combine(day, dt.time(0, 0))
    else:
        value = shape.format(d=day.day, m=day.month, y=day.year)
    assert norm.parse_date(value) == (day, None)


@given(DATES)
def test_us_order(day):
    text = f"{day.month:02d}/{day.day:02d}/{day.year}"
    assert norm.parse_date(text, "mdy") == (day, None)
    found, reason = norm.parse_date(text, "dmy")
    if day.day > 12:
        assert found is None and "US date" in reason.message
    else:
        assert found == dt.date(day.year, day.day, day.month) or reason is not None


@pytest.mark.parametrize("text", ["31/02/2024", "00/01/2024", "32/01/2024", "hier", "01/01/1850"])
def test_impossible_dates(text):
    found, reason = norm.parse_date(text)
    assert found is None and reason is not None


def test_date_order_of_a_column():
    assert norm.date_order(["01/02/2020", "25/12/2020"]) == "dmy"
    assert norm.date_order(["01/02/2020", "12/25/2020"]) == "mdy"
    assert norm.date_order(["01/02/2020", "2020-12-25"]) is None


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_amounts_in_french_and_english_shapes(cents):
    euros, rest = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    french = f"{sign}{euros:,}".replace(",", "\u202f") + f",{rest:02d}"
    english = f"{sign}{euros:,}.{rest:02d}"
    dotted = f"{sign}{euros:,}".replace(",", ".") + f",{rest:02d}"
    for text in (french, english, dotted, french.replace("\u202f", " ") + " €"):
        assert norm.parse_money(text) == (cents, None), text


@given(st.from_regex(r"[+-]?[0-9]{1,12}([.,][0-9]{1,6})?", fullmatch=True))
def test_plain_amounts_read_as_with_a_currency(text):
    # A plain cell takes the short way; with " €" after it, the full cleaning: same cents.
    assert norm.parse_money(text) == norm.parse_money(text + " €")
    assert norm.parse_money(text)[0] is not None
    assert norm.parse_integer(text)[0] == norm.parse_integer(text + " km")[0]


def test_amount_not_a_number():
    assert norm.parse_money("12,50 HT?")[0] is None
    assert norm.parse_money("")[0] is None and norm.parse_money("")[1] is None
    assert norm.parse_money(1234.5) == (123450, None)


FRENCH_MOBILES = st.integers(min_value=600000000, max_value=799999999).map(lambda n: f"0{n}")


@given(FRENCH_MOBILES, st.sampled_from(["plain", "spaced", "dotted", "+33", "0033", "excel"]))
def test_phone_shapes_and_idempotence(number, shape):
    national = number
    spaced = " ".join(national[i : i + 2] for i in range(0, 10, 2))
    value = {
        "plain": national, "spaced": spaced, "dotted": spaced.replace(" ", "."),
        "+33": "+33 " + spaced[1:], "0033": "0033" + national[1:], "excel": float(national),
    }[shape]  # fmt: skip
    phone, reason = norm.parse_phone(value, "FR")
    if reason is None:  # some 07 ranges are not allocated yet
        assert phone.e164 == "+33" + national[1:]
        assert norm.parse_phone(phone.e164, "FR")[0].e164 == phone.e164
        assert norm.parse_phone(phone.e164, "CH")[0].e164 == phone.e164


def test_phone_in_the_customers_country():
    assert norm.parse_phone("079 123 45 67", "CH")[0].e164 == "+41791234567"
    assert norm.parse_phone("pas de tel", "FR")[0] is None


@pytest.mark.parametrize("value,country,expected", [
    ("37000", "FR", "37000"), (1000, "FR", "01000"), ("1000", "FR", "01000"),
    (1000.0, "FR", "01000"), ("1000", "BE", "1000"), ("1200", "CH", "1200"),
    ("L-1234", "LU", "1234"), ("h2x1y4", "CA", "H2X 1Y4"), ("10115", "EE", "10115"),
    ("00123", "FR", None), ("3700", "BE", "3700"), ("370000", "FR", None), ("ABCDE", "FR", None),
    ("0123", "CH", None), ("99999", "FR", None),
])  # fmt: skip
def test_postal_codes(value, country, expected):
    found, reason = norm.parse_postal_code(value, country)
    assert found == expected
    assert (reason is None) == (expected is not None)


@given(st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_postal_code_idempotent(text):
    found, _reason = norm.parse_postal_code(text, "FR")
    if found is not None:
        assert norm.parse_postal_code(found, "FR") == (found, None)


@pytest.mark.parametrize("value,expected,why", [
    ("VF1RFB00X12345678", "VF1RFB00X12345678", None),
    (" vf1-rfb00x-12345678 ", "VF1RFB00X12345678", None),
    ("VF1RFB00X1234567", None, "16 characters"),
    ("VF1RFB00O12345678", None, "I, O or Q"),
    ("VF1RFB00X1234567*", None, "only letters"),
])  # fmt: skip
def test_vin(value, expected, why):
    found, reason = norm.parse_vin(value)
    assert found == expected
    if why:
        assert why in reason.message


@pytest.mark.parametrize("value,expected", [
    ("jean.dupont@example.fr", "jean.dupont@example.fr"),
    ("Jean.Dupont@EXAMPLE.FR", "Jean.Dupont@example.fr"),
    ("jean..dupont@example.fr", None), ("jean@example", None), ("jean dupont@example.fr", None),
    ("jean@@example.fr", None), ("@example.fr", None), ("jean.@example.fr", None),
])  # fmt: skip
def test_email(value, expected):
    assert norm.parse_email(value)[0] == expected


@pytest.mark.parametrize("value,expected", [
    ("M.", ("M.", False)), ("M", ("M.", False)), ("Monsieur", ("M.", False)), ("MR", ("M.", False)),
    ("Mme", ("Mme", False)), ("Madame", ("Mme", False)), ("Mrs", ("Mme", False)),
    ("Mlle", ("Mlle", False)), ("M. et Mme", ("M. et Mme", False)), ("Sté", (None, True)),
    ("SARL", (None, True)), ("S.A.R.L.", (None, True)), ("", (None, False)),
])  # fmt: skip
def test_civility(value, expected):
    assert norm.parse_civility(value) == (expected, None)


def test_unknown_civility_is_kept_with_a_reason():
    (civility, company), reason = norm.parse_civility("Sa Majesté")
    assert civility == "Sa Majesté" and not company and "civility" in reason.message


@pytest.mark.parametrize("value,expected", [
    ("O", True), ("Oui", True), ("N", False), ("non", False), ("1", True), ("0", False),
    ("X", True), (1.0, True), ("", None), ("peut-être", None),
])  # fmt: skip
def test_booleans(value, expected):
    assert norm.parse_boolean(value)[0] == expected


def test_reasons_are_translated_when_shown():
    from app import i18n

    reason = norm.parse_vin("ABC")[1]
    assert "instead of 17" in reason.message
    assert reason.message == reason.message  # stable; translation happens at .message
    assert i18n.language() in ("en", "fr")
