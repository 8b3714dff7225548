"""Excel exports: open the produced workbooks with openpyxl and check what is in them."""

from __future__ import annotations

import datetime as dt
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.chart import BarChart, Reference
from openpyxl.workbook.defined_name import DefinedName
from sqlalchemy import update

from app import files
from app.errors import CibleError
from app.export.excel import (
    DATA_NAME,
    INFO_NAME,
    ExportCancelled,
    ExportExistsError,
    MailingOptions,
    WorkbookInfo,
    delete_saved_exports,
    export_target,
    get_saved_export,
    list_saved_exports,
    record_export,
    refresh_rows,
    refresh_workbook,
    write_workbook,
)
from app.export.postal import postal_funnel
from app.models import Customer, Vehicle
from app.models.db import open_database
from app.query.catalog import get_field
from app.query.criteria import Condition, Group
from app.query.engine import describe, iter_rows
from app.query.target import SortKey, Target
from tests.export.mailing_sample import TODAY, build_mailing_sample

COLUMNS = [
    "customer.dms_ref",
    "customer.last_name",
    "customer.postal_code",
    "customer.phone_mobile",
    "vehicle.plate",
    "vehicle.first_registration",
    "vehicle.mileage",
    "vehicle.age_years",
    "sale.price",
    "customer.optout_post",
    "vehicle.category",
    "customer.last_contact_date",
]
RUN_AT = dt.datetime(2024, 6, 15, 9, 30)


def _build(db) -> dict[str, int]:
    ids = build_mailing_sample(db)
    with db.session() as s:
        zero = Customer(
            dms_ref="000123",
            civility="Madame",
            last_name="Zéro",
            first_name="Anne",
            address1="1 rue du Lac",
            postal_code="01090",
            city="Montmerle",
            phone_mobile="0645000000",
        )
        formula = Customer(
            dms_ref="C14",
            last_name="=1+2",
            first_name="Injection",
            address1="2 rue Haute",
            postal_code="37000",
            city="Tours",
        )
        s.add_all([zero, formula])
        s.flush()
        s.add(
            Vehicle(
                owner_id=zero.id,
                plate="AA-001-AA",
                brand="CITROEN",
                model="C3",
                first_registration=dt.date(2010, 1, 31),
                mileage=99000,
            )
        )
        ids["zero"] = zero.id
        ids["formula"] = formula.id
    return ids


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("excel") / "x.sqlite")
    ids = _build(db)
    yield db, ids
    db.dispose()


@pytest.fixture
def fresh(tmp_path):
    """A database the test may change."""
    db = open_database(tmp_path / "fresh.sqlite")
    ids = _build(db)
    yield db, ids
    db.dispose()


def target(**kw) -> Target:
    kw.setdefault("name", "Relance CT")
    kw.setdefault("description", "Véhicules de plus de 10 ans")
    kw.setdefault("columns", list(COLUMNS))
    kw.setdefault("criteria", Group("all", []))
    kw.setdefault("sort", [SortKey("customer.last_name"), SortKey("vehicle.plate")])
    return Target(**kw)


def export(db, t: Target, path: Path, **kw):
    kw.setdefault("today", TODAY)
    kw.setdefault("lang", "fr")
    kw.setdefault("run_at", RUN_AT)
    with db.engine.connect() as conn:
        return export_target(conn, t, path, **kw)


def refresh(db, t: Target, path: Path, **kw):
    kw.setdefault("today", TODAY)
    kw.setdefault("lang", "fr")
    kw.setdefault("run_at", RUN_AT)
    with db.engine.connect() as conn:
        return refresh_workbook(conn, t, path, **kw)


def data_rows(path: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    return list(wb.worksheets[0].iter_rows(min_row=2, values_only=True))


def expected_cell(key: str, value):
    """What a row value of the engine should read back as from the workbook."""
    if value is None or value == "":
        return None
    f = get_field(key)
    if f.type.value == "date":
        return dt.datetime.combine(value, dt.time())
    if f.type.value in ("enum", "boolean"):
        return f.value_label(value, "fr")
    return value


def test_rows_are_the_targets_rows_in_order_with_typed_cells(sample, tmp_path) -> None:
    db, ids = sample
    t = target()
    out = tmp_path / "relance.xlsx"
    result = export(db, t, out)

    with db.engine.connect() as conn:
        engine_rows = list(iter_rows(conn, t, today=TODAY))
    expected = [
        tuple(expected_cell(k, v) for k, v in zip(COLUMNS, row.values, strict=True))
        for row in engine_rows
    ]
    assert result.rows == len(engine_rows) > 10
    assert data_rows(out) == expected

    wb = openpyxl.load_workbook(out)
    sheet = wb.worksheets[0]
    assert sheet.title == "Données"
    assert [c.value for c in sheet[1]] == [get_field(k).label("fr") for k in COLUMNS]
    assert all(c.font.b for c in sheet[1])
    by_name = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    zero = by_name["Zéro"]
    # text stays text: leading zeros of codes, postal codes and phone numbers are kept
    assert (zero[0].value, zero[0].data_type) == ("000123", "s")
    assert (zero[2].value, zero[2].data_type) == ("01090", "s")
    assert (zero[3].value, zero[3].data_type) == ("0645000000", "s")
    # dates are dates shown DD/MM/YYYY, numbers are numbers
    assert zero[5].is_date and zero[5].number_format == "dd/mm/yyyy"
    assert zero[5].value == dt.datetime(2010, 1, 31)
    assert (zero[6].value, zero[6].data_type) == (99000, "n")
    assert (zero[7].value, zero[7].data_type) == (14, "n")  # vehicle age on TODAY
    assert zero[9].value == "Non"  # yes/no and list fields show their labels
    dupre = [row for row in sheet.iter_rows(min_row=2) if row[1].value == "Dupré"]
    prices = [row[8] for row in dupre if row[8].value is not None]
    assert [(c.value, c.number_format) for c in prices] == [(12000, "#,##0.00")]
    assert [row[11].value for row in dupre] == [dt.datetime(2024, 6, 14)] * 2


def test_a_name_that_looks_like_a_formula_stays_text(sample, tmp_path) -> None:
    db, _ = sample
    out = tmp_path / "f.xlsx"
    export(db, target(), out)
    sheet = openpyxl.load_workbook(out).worksheets[0]
    cells = [row[1] for row in sheet.iter_rows(min_row=2) if row[1].value == "=1+2"]
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_frozen_header_autofilter_widths_and_the_data_name(sample, tmp_path) -> None:
    db, _ = sample
    out = tmp_path / "layout.xlsx"
    result = export(db, target(), out)
    wb = openpyxl.load_workbook(out)
    sheet = wb.worksheets[0]
    last = result.rows + 1
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:L{last}"
    assert wb.defined_names[DATA_NAME].attr_text == f"'Données'!$A$1:$L${last}"
    widths = {k: v.width for k, v in sheet.column_dimensions.items()}
    # wide enough for the header label, never absurdly wide
    for index, key in enumerate(COLUMNS):
        letter = "ABCDEFGHIJKL"[index]
        assert len(get_field(key).label("fr")) <= widths[letter] <= 61
    assert widths["F"] < widths["J"]  # a date column is narrower than a long label's column


def test_the_information_sheet(sample, tmp_path) -> None:
    db, ids = sample
    t = target(
        criteria=Group("all", [Condition("vehicle.brand", "in", ["RENAULT"])]),
        removed={ids["martin"]},
    )
    out = tmp_path / "info.xlsx"
    result = export(db, t, out, lang="en")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Data", "About"]
    info = dict(wb["About"].iter_rows(values_only=True))
    assert info["Target"] == "Relance CT"
    assert info["Description"] == "Véhicules de plus de 10 ans"
    assert info["Criteria"] == describe(t, "en")
    assert "RENAULT" in info["Criteria"]
    assert info["Run on"] == RUN_AT
    assert info["Relative dates counted from"] == dt.datetime(2024, 6, 15)
    assert info["Rows exported"] == result.rows == len(data_rows(out))
    assert info["Customers removed by hand (never exported)"] == 1
    assert info["One row per"] == "vehicle"
    assert INFO_NAME in wb.defined_names


def test_removed_customers_are_never_exported(sample, tmp_path) -> None:
    db, ids = sample
    out = tmp_path / "removed.xlsx"
    everyone = export(db, target(), tmp_path / "all.xlsx").rows
    result = export(db, target(removed={ids["dupre"], ids["zero"]}), out)
    names = [row[1] for row in data_rows(out)]
    assert "Dupré" not in names and "Zéro" not in names
    assert result.rows == everyone - 3  # Dupré's two vehicles and Zéro's one


def test_for_mailing_refusals_are_read_at_export_time_and_one_row_per_customer(
    fresh, tmp_path
) -> None:
    db, ids = fresh
    t = target()
    # Martin refuses postal contact after the target was built: she must be left out too
    with db.session() as s:
        s.execute(update(Customer).where(Customer.id == ids["martin"]).values(optout_post=True))
    out = tmp_path / "mailing.xlsx"
    result = export(db, t, out, mailing=MailingOptions())
    names = [row[1] for row in data_rows(out)]
    for refused in ("DUPONT", "dupont-aignan", "Martin"):
        assert refused not in names
    assert len(names) == len(set(names)) == result.rows  # one row per customer
    assert "Dupré" in names and "Zéro" in names
    with db.engine.connect() as conn:
        funnel = postal_funnel(conn, t, today=TODAY, lang="fr")
    assert result.rows == funnel.final_count
    steps = {step.key: step.count for step in result.funnel.steps}
    assert steps["final"] == result.rows and steps["target"] > steps["customer"]
    info = dict(openpyxl.load_workbook(out)["Informations"].iter_rows(values_only=True))
    assert info["Destinée à un publipostage"] == "Oui"
    assert info["Filtre courrier – À envoyer"] == result.rows
    assert info["      – refuse le contact par courrier"] == -3


def test_for_mailing_households_and_recent_contacts(sample, tmp_path) -> None:
    db, _ = sample
    out = tmp_path / "households.xlsx"
    plain = export(db, target(), tmp_path / "p.xlsx", mailing=MailingOptions())
    grouped = export(
        db, target(), out, mailing=MailingOptions(household=True, contacted_within_days=30)
    )
    names = [row[1] for row in data_rows(out)]
    assert names.count("Gasnier") + names.count("GASNIER") == 1  # one letter per home
    assert "Dupré" not in names  # contacted by SMS the day before TODAY
    assert grouped.rows < plain.rows


def test_cancel_leaves_the_older_file_intact(sample, tmp_path) -> None:
    db, _ = sample
    out = tmp_path / "keep.xlsx"
    export(db, target(), out)
    before = out.read_bytes()
    with pytest.raises(ExportCancelled):
        export(db, target(columns=["customer.last_name"]), out, cancel=lambda: True)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.xlsx"]


def _many_rows(n: int):
    for i in range(n):
        yield (f"{i:05d}", dt.date(2020, 1, 1) + dt.timedelta(days=i % 900), i)


FIELDS = [get_field("customer.postal_code"), get_field("vehicle.first_registration")]
FIELDS.append(get_field("vehicle.mileage"))


def test_a_progress_callback_that_raises_stops_without_touching_the_old_file(tmp_path) -> None:
    out = tmp_path / "old.xlsx"
    out.write_bytes(b"the user's good workbook")
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done >= 1000:
            raise KeyboardInterrupt  # what a task's cancel looks like from here

    with pytest.raises(KeyboardInterrupt):
        write_workbook(out, FIELDS, _many_rows(3000), lang="fr", progress=progress, total=3000)
    assert seen == [(500, 3000), (1000, 3000)]
    assert out.read_bytes() == b"the user's good workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["old.xlsx"]


def test_a_failure_while_reading_rows_leaves_the_old_file(tmp_path) -> None:
    out = tmp_path / "old.xlsx"
    out.write_bytes(b"previous")

    def broken():
        yield from _many_rows(10)
        raise CibleError("the database went away")

    with pytest.raises(CibleError, match="went away"):
        write_workbook(out, FIELDS, broken(), lang="fr")
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["old.xlsx"]


@pytest.mark.parametrize("mode", ["new", "refresh"])
def test_a_full_disk_is_one_clear_message_and_the_old_file_stays(
    tmp_path, monkeypatch, mode
) -> None:
    from app.export import excel

    out = tmp_path / "old.xlsx"
    write_workbook(out, FIELDS, _many_rows(3), _info())
    before = out.read_bytes()

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(excel, "_stream_rows", full)
    run = refresh_rows if mode == "refresh" else write_workbook
    with pytest.raises(CibleError, match=r"Cannot write .*old.xlsx: No space left on device"):
        run(out, FIELDS, _many_rows(10), _info())
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["old.xlsx"]


def test_many_rows_stream_and_progress_reaches_the_total(tmp_path) -> None:
    out = tmp_path / "big.xlsx"
    seen: list[int] = []
    count = write_workbook(
        out, FIELDS, _many_rows(2100), lang="en", progress=lambda d, t: seen.append(d), total=2100
    )
    assert count == 2100 and seen[-1] == 2100 and seen[:4] == [500, 1000, 1500, 2000]
    rows = data_rows(out)
    assert rows[0] == ("00000", dt.datetime(2020, 1, 1), 0)
    assert rows[-1] == ("02099", dt.datetime(2020, 1, 1) + dt.timedelta(days=2099 % 900), 2099)
    assert openpyxl.load_workbook(out).sheetnames == ["Data"]  # no information sheet asked


def test_without_information_sheet_values_follow_the_language_asked(tmp_path) -> None:
    fields = [get_field("customer.optout_post"), get_field("vehicle.category")]
    for lang, expected in (
        ("fr", ("Oui", "VU (véhicule utilitaire)")),
        ("en", ("Yes", "Commercial vehicle (VU)")),
    ):
        out = tmp_path / f"{lang}.xlsx"
        write_workbook(out, fields, [(True, "VU")], lang=lang)
        assert data_rows(out) == [expected]
        assert openpyxl.load_workbook(out).sheetnames == ["Données" if lang == "fr" else "Data"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    code=st.from_regex(r"\A[0-9]{1,10}\Z"),
    day=st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    number=st.integers(min_value=-(10**12), max_value=10**12),
)
def test_codes_dates_and_numbers_read_back_unchanged(tmp_path, code, day, number) -> None:
    out = tmp_path / "prop.xlsx"
    write_workbook(out, FIELDS, [(code, day, number)], lang="fr")
    cells = openpyxl.load_workbook(out).worksheets[0][2]
    assert (cells[0].value, cells[0].data_type) == (code, "s")
    assert cells[1].value == dt.datetime.combine(day, dt.time())
    assert cells[2].value == number


# --- refresh -------------------------------------------------------------------------------


def _add_user_sheet(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    notes = wb.create_sheet("Mes notes", 0)
    notes["A1"] = "Appeler le garage"
    notes["B1"] = "=COUNTA(Cible_Data)"
    chart = BarChart()
    chart.add_data(
        Reference(wb.worksheets[1], min_col=7, min_row=1, max_row=5), titles_from_data=True
    )
    notes.add_chart(chart, "D2")
    wb.save(path)


def test_refresh_replaces_the_data_and_keeps_the_users_sheet(fresh, tmp_path) -> None:
    db, ids = fresh
    out = tmp_path / "suivi.xlsx"
    t = target()
    first = export(db, t, out)
    _add_user_sheet(out)
    with db.session() as s:  # the data changes: a customer is renamed, a vehicle added
        s.execute(update(Customer).where(Customer.id == ids["zero"]).values(last_name="Zorro"))
        s.add(Vehicle(owner_id=ids["zero"], plate="ZZ-002-ZZ", brand="FIAT", model="500"))

    later = dt.datetime(2024, 7, 1, 8, 0)
    result = refresh(db, t, out, run_at=later)

    assert result.rows == first.rows + 1 and not result.created
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Mes notes", "Données", "Informations"]
    notes = wb["Mes notes"]
    assert notes["A1"].value == "Appeler le garage"
    assert notes["B1"].value == "=COUNTA(Cible_Data)"
    assert len(notes._charts) == 1
    names = [row[1] for row in data_rows_of(wb["Données"])]
    assert "Zorro" in names and "Zéro" not in names
    with db.engine.connect() as conn:
        assert len(names) == len(list(iter_rows(conn, t, today=TODAY)))
    data = wb["Données"]
    assert data.freeze_panes == "A2"
    assert data.auto_filter.ref == f"A1:L{result.rows + 1}"
    assert wb.defined_names[DATA_NAME].attr_text == f"'Données'!$A$1:$L${result.rows + 1}"
    zorro = [row for row in data.iter_rows(min_row=2) if row[1].value == "Zorro"][0]
    assert (zorro[2].value, zorro[2].data_type) == ("01090", "s")
    assert zorro[5].is_date and zorro[5].number_format == "dd/mm/yyyy"
    formula = [row[1] for row in data.iter_rows(min_row=2) if row[1].value == "=1+2"]
    assert formula[0].data_type == "s"
    info = dict(wb["Informations"].iter_rows(values_only=True))
    assert info["Exécutée le"] == later
    assert info["Lignes exportées"] == result.rows
    assert zip64_parts(out) == []


def zip64_parts(path: Path) -> list[str]:
    """Parts whose local header carries a ZIP64 extra field (Excel refuses them in small files)."""
    found = []
    raw = path.read_bytes()
    for item in zipfile.ZipFile(path).infolist():
        offset = item.header_offset
        name_len, extra_len = struct.unpack("<HH", raw[offset + 26 : offset + 30])
        extra = raw[offset + 30 + name_len : offset + 30 + name_len + extra_len]
        while len(extra) >= 4:
            kind, size = struct.unpack("<HH", extra[:4])
            if kind == 0x0001:
                found.append(item.filename)
            extra = extra[4 + size :]
    return found


def data_rows_of(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_refresh_keeps_a_picture_the_user_pasted(sample, tmp_path) -> None:
    """openpyxl keeps pictures only with Pillow installed: a dependency, so refresh never drops
    the garage's logo from the user's own sheet."""
    from openpyxl.drawing.image import Image as SheetImage
    from PIL import Image

    db, _ = sample
    out = tmp_path / "logo.xlsx"
    export(db, target(), out)
    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 20), (200, 30, 30)).save(logo)
    wb = openpyxl.load_workbook(out)
    sheet = wb.create_sheet("Présentation", 0)
    sheet["A1"] = "Campagne d'hiver"
    sheet.add_image(SheetImage(str(logo)), "B3")
    wb.save(out)

    refresh(db, target(), out)

    wb = openpyxl.load_workbook(out)
    pictures = wb["Présentation"]._images
    assert len(pictures) == 1
    assert (pictures[0].width, pictures[0].height) == (40, 20)


def test_refresh_of_a_missing_workbook_writes_a_new_one(sample, tmp_path) -> None:
    db, _ = sample
    out = tmp_path / "missing.xlsx"
    result = refresh(db, target(), out)
    assert result.created and out.exists()
    assert len(data_rows(out)) == result.rows


def test_refresh_refuses_a_workbook_not_made_by_cible(sample, tmp_path) -> None:
    db, _ = sample
    out = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "à moi"
    wb.save(out)
    before = out.read_bytes()
    with pytest.raises(CibleError, match="Cible_Data"):
        refresh(db, target(), out)
    assert out.read_bytes() == before
    wb = openpyxl.load_workbook(out)  # a Cible workbook whose data sheet was deleted
    wb.create_sheet("Données")
    wb.defined_names["Cible_Data"] = DefinedName("Cible_Data", attr_text="#REF!")
    wb.save(out)
    before = out.read_bytes()
    with pytest.raises(CibleError, match="no longer points to a sheet"):
        refresh(db, target(), out)
    assert out.read_bytes() == before
    not_excel = tmp_path / "notes.xlsx"
    not_excel.write_text("plain text")
    with pytest.raises(CibleError, match="not an Excel workbook"):
        refresh(db, target(), not_excel)
    assert not_excel.read_text() == "plain text"


def test_a_cancelled_refresh_leaves_the_workbook_intact(sample, tmp_path) -> None:
    db, _ = sample
    out = tmp_path / "r.xlsx"
    export(db, target(), out)
    _add_user_sheet(out)
    before = out.read_bytes()
    with pytest.raises(ExportCancelled):
        refresh(db, target(), out, cancel=lambda: True)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx"]


def test_a_target_without_columns_is_refused_before_writing(sample, tmp_path) -> None:
    db, _ = sample
    out = tmp_path / "none.xlsx"
    with pytest.raises(CibleError, match="no columns"):
        export(db, target(columns=[]), out)
    assert not out.exists()


# --- saved exports -------------------------------------------------------------------------


def test_saved_exports_per_target(database, tmp_path) -> None:
    t = target()
    other = target(name="Autre")
    now = dt.datetime(2024, 6, 15, 10, 0)
    with database.engine.begin() as conn:
        first = record_export(
            conn, target=t, name="Liste VN", description="pour Paul", path=tmp_path / "a.xlsx",
            rows=12, now=now,
        )  # fmt: skip
        record_export(
            conn, target=t, name="Courrier", description="", path=tmp_path / "b.xlsx", rows=5,
            mailing=MailingOptions(household=True, contacted_within_days=60),
            now=now + dt.timedelta(hours=1),
        )  # fmt: skip
        record_export(
            conn, target=other, name="Liste VN", description="", path=tmp_path / "c.xlsx", rows=1
        )
        with pytest.raises(ExportExistsError):
            record_export(
                conn, target=t, name="  liste  vn ", description="", path=tmp_path / "d.xlsx",
                rows=1,
            )  # fmt: skip
        saved = list_saved_exports(conn, "Relance CT")
    assert [s.name for s in saved] == ["Liste VN", "Courrier"]
    assert saved[0].description == "pour Paul" and saved[0].row_count == 12
    assert saved[0].file_path == str((tmp_path / "a.xlsx").absolute())
    assert saved[0].created_at == now and saved[0].mailing is None
    assert saved[1].mailing == MailingOptions(household=True, contacted_within_days=60)
    assert saved[0].target().to_dict() == t.to_dict()

    later = now + dt.timedelta(days=1)
    changed = target(columns=["customer.last_name"])
    with database.engine.begin() as conn:
        record_export(
            conn, target=changed, name="Liste VN", description="pour Paul", path=tmp_path / "a.xlsx",
            rows=20, export_id=first, now=later,
        )  # fmt: skip
        with pytest.raises(ExportExistsError):  # renaming onto another export's name
            record_export(
                conn, target=changed, name="courrier", description="", path=tmp_path / "a.xlsx",
                rows=20, export_id=first,
            )  # fmt: skip
        updated = get_saved_export(conn, first)
        assert (updated.row_count, updated.updated_at, updated.created_at) == (20, later, now)
        assert updated.target().columns == ["customer.last_name"]
        assert delete_saved_exports(conn, [first]) == 1
        assert [s.name for s in list_saved_exports(conn, "Relance CT")] == ["Courrier"]
        assert [s.name for s in list_saved_exports(conn, "Autre")] == ["Liste VN"]
        with pytest.raises(CibleError, match="needs a name"):
            record_export(conn, target=t, name="  ", description="", path="x.xlsx", rows=0)


# --- a refresh writes the same cells as a new export ---------------------------------------

TEXT_FIELDS = [get_field("customer.last_name"), get_field("customer.free1")]
TEXT_FIELDS += [get_field("vehicle.first_registration"), get_field("sale.price")]


def _info(lang: str = "fr") -> WorkbookInfo:
    return WorkbookInfo(target=target(), run_at=RUN_AT, today=TODAY, lang=lang)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(
        st.tuples(
            st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
            | st.sampled_from(["<r>x & y</r>", "_x0041_", " lead", "trail\t", "a\r\nb", "=1+2"]),
            st.text(max_size=5),
        ),
        min_size=1,
        max_size=4,
    ),
    day=st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(9999, 12, 31)),
    price=st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
)
def test_a_refresh_reads_back_exactly_like_a_new_export(tmp_path, texts, day, price) -> None:
    rows = [(a, b, day, price) for a, b in texts]
    new, refreshed = tmp_path / "new.xlsx", tmp_path / "refreshed.xlsx"
    write_workbook(new, TEXT_FIELDS, rows, _info())
    write_workbook(refreshed, TEXT_FIELDS, [("old", "old", None, 1.0)] * 3, _info())
    assert refresh_rows(refreshed, TEXT_FIELDS, rows, _info()) == len(rows)
    a, b = (
        openpyxl.load_workbook(new).worksheets[0],
        openpyxl.load_workbook(refreshed).worksheets[0],
    )
    assert [[(c.value, c.data_type, c.number_format) for c in row] for row in a.iter_rows()] == [
        [(c.value, c.data_type, c.number_format) for c in row] for row in b.iter_rows()
    ]


def _xlsxwriter_reference(path: Path, fields, rows) -> None:
    """The same cells written by XlsxWriter's own typed calls: the reference."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    money_format = workbook.add_format({"num_format": "#,##0.00"})
    for r, row in enumerate(rows, start=1):
        for c, (f, value) in enumerate(zip(fields, row, strict=True)):
            if value is None or value == "":
                continue
            if f.type.value == "date" and value >= dt.date(1900, 3, 1):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            elif f.type.value == "date":
                sheet.write_string(r, c, value.strftime("%d/%m/%Y").rjust(10, "0"))
            elif f.money:
                sheet.write_number(r, c, value, money_format)
            else:
                sheet.write_string(r, c, value)
    workbook.close()


def _cells(path: Path) -> list[list[tuple]]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return [
        [(c.value, c.data_type, c.number_format) for c in row if c.value is not None]
        for row in sheet.iter_rows(min_row=2)
    ]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(
        st.tuples(
            st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12).filter(
                lambda s: not (s.startswith("<r>") and s.endswith("</r>"))
            ),
            st.sampled_from(["_x0041_", " lead", "trail\t", "a\r\nb", "=1+2", "0612", "é&<>"]),
        ),
        min_size=1,
        max_size=4,
    ),
    day=st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)),
    price=st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
)
def test_cells_read_back_like_xlsxwriters_own_typed_writes(tmp_path, texts, day, price) -> None:
    rows = [(a, b, day, price) for a, b in texts]
    ours, reference = tmp_path / "ours.xlsx", tmp_path / "reference.xlsx"
    write_workbook(ours, TEXT_FIELDS, rows, _info())
    _xlsxwriter_reference(reference, TEXT_FIELDS, rows)
    assert _cells(ours) == _cells(reference)


def test_text_that_looks_like_markup_stays_text(tmp_path) -> None:
    out = tmp_path / "markup.xlsx"
    write_workbook(out, TEXT_FIELDS[:1], [("<r>x & y</r>",), ("<b>gras</b>",)], _info())
    assert data_rows(out) == [("<r>x & y</r>",), ("<b>gras</b>",)]


def test_a_refresh_drops_every_old_row_and_follows_a_renamed_sheet(tmp_path) -> None:
    out = tmp_path / "big.xlsx"
    write_workbook(out, FIELDS, _many_rows(2100), _info())
    wb = openpyxl.load_workbook(out)
    wb["Données"].title = "Données <R&D> l'atelier"  # renamed by the user: Excel follows it
    wb.defined_names[DATA_NAME].attr_text = "'Données <R&D> l''atelier'!$A$1:$C$2101"
    wb.save(out)
    count = refresh_rows(out, FIELDS, [("01000", dt.date(2024, 1, 2), 7)], _info("en"))
    wb = openpyxl.load_workbook(out)
    assert count == 1 and wb.sheetnames == ["Données <R&D> l'atelier", "Informations"]
    sheet = wb["Données <R&D> l'atelier"]
    assert sheet.max_row == 2 and sheet.auto_filter.ref == "A1:C2"
    assert [c.value for c in sheet[1]] == ["Postal code", "First registration (MEC)", "Mileage"]
    assert [c.value for c in sheet[2]] == ["01000", dt.datetime(2024, 1, 2), 7]
    assert wb.defined_names[DATA_NAME].attr_text == "'Données <R&D> l''atelier'!$A$1:$C$2"
    assert dict(wb["Informations"].iter_rows(values_only=True))["Rows exported"] == 1


_KILLED_EXPORT = """
import datetime as dt, sys
from app.export.excel import WorkbookInfo, refresh_rows, write_workbook
from app.query.catalog import get_field
from app.query.target import Target

mode, out = sys.argv[1], sys.argv[2]
fields = [get_field("customer.postal_code"), get_field("vehicle.first_registration")]
rows = ((f"{i:05d}", dt.date(2020, 1, 1)) for i in range(5000))
info = WorkbookInfo(Target(name="T"), dt.datetime(2024, 1, 1), dt.date(2024, 1, 1), "fr")

def progress(done, total):
    print("progress", done, flush=True)
    sys.stdin.readline()  # wait here, half-way through, until killed

run = refresh_rows if mode == "refresh" else write_workbook
run(out, fields, rows, info, progress=progress)
"""


@pytest.mark.parametrize("mode", ["new", "refresh"])
def test_killing_the_process_half_way_leaves_the_old_workbook(tmp_path, mode) -> None:
    """COMPLIANCE.md §5: kill the process in the middle of an export; nothing is lost."""
    out = tmp_path / "liste.xlsx"
    write_workbook(out, FIELDS[:2], [("37000", dt.date(2023, 5, 1))], _info())
    before = out.read_bytes()
    shared_before = set(Path(tempfile.gettempdir()).glob("cible-*"))
    process = subprocess.Popen(
        [sys.executable, "-c", _KILLED_EXPORT, mode, str(out)],
        cwd=Path(__file__).resolve().parents[2],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline() == "progress 500\n"  # now writing, half-way
    finally:
        process.kill()
        process.wait(timeout=60)
        process.stdout.close()
        process.stdin.close()
    assert out.read_bytes() == before
    assert data_rows(out) == [("37000", dt.datetime(2023, 5, 1))]
    # what the killed export left is named after it and its process, never in the shared
    # temporary folder; the next export removes it
    leftovers = [p.name for p in tmp_path.iterdir() if p != out]
    assert leftovers and all(
        n.startswith(f".liste.xlsx.cible-{files.host_name()}-{process.pid}-") for n in leftovers
    )
    assert set(Path(tempfile.gettempdir()).glob("cible-*")) <= shared_before
    write_workbook(out, FIELDS[:2], [("37000", dt.date(2023, 5, 2))], _info())
    assert [p.name for p in tmp_path.iterdir()] == ["liste.xlsx"]


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_old_rows_are_skipped_whatever_the_read_size(tmp_path, monkeypatch, chunk) -> None:
    """The old rows are skipped while the sheet is read in chunks: tags cut anywhere."""
    from app.export import excel

    monkeypatch.setattr(excel, "_CHUNK", chunk)
    out = tmp_path / "chunks.xlsx"
    write_workbook(out, FIELDS, _many_rows(300 if chunk < 64 else 2100), _info())
    wb = openpyxl.load_workbook(out)
    wb.create_sheet("Notes")["A1"] = "gardé"
    wb.save(out)
    assert refresh_rows(out, FIELDS, _many_rows(2), _info()) == 2
    wb = openpyxl.load_workbook(out)
    assert data_rows_of(wb["Données"]) == [
        ("00000", dt.datetime(2020, 1, 1), 0),
        ("00001", dt.datetime(2020, 1, 2), 1),
    ]
    assert wb["Notes"]["A1"].value == "gardé"

    # the light copy openpyxl loads has the sheet exactly as it was, minus its rows
    light = tmp_path / "light.xlsx"
    part = excel._data_part(out)
    excel._without_rows(out, light, part)
    original = zipfile.ZipFile(out).read(part).decode()
    stripped = zipfile.ZipFile(light).read(part).decode()
    start, end = original.index("<sheetData>"), original.index("</sheetData>") + 12
    assert stripped == original[:start] + "<sheetData/>" + original[end:]
    assert zipfile.ZipFile(light).namelist() == zipfile.ZipFile(out).namelist()
