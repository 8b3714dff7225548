"""Phone numbers (FR, CH, CA, EE), send windows and holidays, templates, settings."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import func, select

from app.export.sms.phones import PhoneKind, best_mobile, display, normalise, region_for
from app.export.sms.settings import SettingsError, SmsSettings, load_settings, save_settings
from app.export.sms.templates import (
    STARTER_TEMPLATES,
    TemplateError,
    asked_fields,
    columns_for,
    find_template,
    list_templates,
    placeholders,
    render,
    save_template,
    with_optout,
)
from app.export.sms.windows import (
    SendWindow,
    WindowError,
    default_windows,
    holidays,
    market_for_country,
    market_for_site,
    market_name,
    normalise_subdivision,
    window_for,
)
from app.models.sms import SmsKind, SmsTemplate

# -- phones -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "region", "e164", "kind"),
    [
        ("06 12 34 56 78", "FR", "+33612345678", PhoneKind.MOBILE),
        ("+33 6 12 34 56 78", "FR", "+33612345678", PhoneKind.MOBILE),
        ("0033 612345678", "FR", "+33612345678", PhoneKind.MOBILE),
        ("06.12.34.56.78", "FR", "+33612345678", PhoneKind.MOBILE),
        ("07 81 22 33 44", "FR", "+33781223344", PhoneKind.MOBILE),
        ("02 47 11 22 33", "FR", "+33247112233", PhoneKind.LANDLINE),
        ("079 123 45 67", "CH", "+41791234567", PhoneKind.MOBILE),
        ("+41 44 668 18 00", "FR", "+41446681800", PhoneKind.LANDLINE),
        ("044 668 18 00", "CH", "+41446681800", PhoneKind.LANDLINE),
        ("(514) 555-0199", "CA", "+15145550199", PhoneKind.MOBILE),  # +1: mobile or fixed
        ("5123 4567", "EE", "+37251234567", PhoneKind.MOBILE),
        ("+372 612 3456", "FR", "+3726123456", PhoneKind.LANDLINE),
        ("0612", "FR", "", PhoneKind.INVALID),
        ("not a number", "FR", "", PhoneKind.INVALID),
        ("07 11 22 33 44", "FR", "", PhoneKind.INVALID),  # unallocated French range
        ("", "FR", "", PhoneKind.EMPTY),
        (None, "FR", "", PhoneKind.EMPTY),
    ],
)
def test_normalise(raw: str | None, region: str, e164: str, kind: PhoneKind) -> None:
    phone = normalise(raw, region)
    assert (phone.e164, phone.kind) == (e164, kind)


def test_the_same_digits_depend_on_the_sites_country() -> None:
    assert normalise("079 123 45 67", "CH").e164 == "+41791234567"
    assert normalise("079 123 45 67", "FR").e164 == "+33791234567"  # a French 07 mobile
    assert normalise("5123 4567", "EE").e164 == "+37251234567"
    assert normalise("5123 4567", "FR").kind is PhoneKind.INVALID


def test_numbers_are_shown_as_people_write_them() -> None:
    assert display("+33612345678") == "06 12 34 56 78"
    assert display("+41791234567") == "+41 79 123 45 67"
    assert display("+41791234567", "CH") == "079 123 45 67"
    assert display("garbage") == "garbage"


def test_region_falls_back_to_the_customer_then_france() -> None:
    assert region_for("CH", "FR") == "CH"
    assert region_for(None, "EE") == "EE"
    assert region_for("", None) == "FR"


def test_best_mobile_prefers_a_mobile_in_any_field() -> None:
    assert best_mobile([None, "02 47 11 22 33", "06 98 76 54 32"]).e164 == "+33698765432"
    assert best_mobile(["0612", "02 47 11 22 33"]).kind is PhoneKind.LANDLINE
    assert best_mobile(["0612", None]).kind is PhoneKind.INVALID
    assert best_mobile([None, ""]).kind is PhoneKind.EMPTY


# -- windows ------------------------------------------------------------------------------------


def test_french_holidays_2026() -> None:
    days = holidays("FR", 2026)
    assert dt.date(2026, 4, 6) in days  # lundi de Pâques
    assert dt.date(2026, 5, 14) in days  # Ascension
    assert dt.date(2026, 5, 25) in days  # lundi de Pentecôte
    assert {dt.date(2026, 7, 14), dt.date(2026, 11, 11), dt.date(2026, 5, 8)} <= days
    assert len(days) == 11


def test_other_markets_have_their_own_holidays() -> None:
    assert dt.date(2026, 8, 1) in holidays("CH", 2026)
    assert dt.date(2026, 5, 14) in holidays("CH", 2026)  # Ascension, federal
    assert dt.date(2026, 6, 24) in holidays("CA-QC", 2026)  # Saint-Jean-Baptiste
    assert dt.date(2026, 5, 18) in holidays("CA-QC", 2026)  # patriots: Monday before 25 May
    assert dt.date(2026, 2, 24) in holidays("EE", 2026)
    assert dt.date(2026, 6, 23) in holidays("EE", 2026)  # Võidupüha
    assert dt.date(2027, 6, 23) in holidays("EE", 2027)
    assert dt.date(2026, 7, 14) not in holidays("CH", 2026)


@pytest.mark.parametrize(
    ("region", "day", "off"),
    [
        ("CH-VD", dt.date(2026, 9, 21), True),  # lundi du Jeûne fédéral (third Sunday + 1)
        ("CH-VD", dt.date(2027, 9, 20), True),
        ("CH-GE", dt.date(2026, 9, 21), False),  # Geneva fasts on a Thursday instead
        ("CH-GE", dt.date(2026, 9, 10), True),  # Jeûne genevois
        ("CH", dt.date(2026, 9, 21), False),
        ("CA-QC", dt.date(2026, 6, 24), True),  # Saint-Jean-Baptiste
        ("CA-ON", dt.date(2026, 6, 24), False),
        ("CA-ON", dt.date(2026, 2, 16), True),  # Family Day (Ontario)
        ("CA-QC", dt.date(2026, 2, 16), False),
        ("FR-57", dt.date(2026, 12, 26), True),  # Moselle: Saint-Étienne
        ("FR-67", dt.date(2026, 4, 3), True),  # Alsace: Good Friday
        ("FR-37", dt.date(2026, 12, 26), False),
        ("EE", dt.date(2026, 6, 23), True),
    ],
)
def test_the_window_follows_the_site_canton_or_province(region, day, off) -> None:
    window = window_for(default_windows(), region)
    assert (day in holidays(region, day.year)) is off
    moment = dt.datetime.combine(day, dt.time(12, 0))
    if window.hours[day.weekday()] is not None:
        assert window.allows(moment, region) is not off


def test_a_vaud_site_waits_for_the_day_after_the_jeune_federal() -> None:
    window = window_for(default_windows(), "CH-VD")
    assert window.market == "CH"
    # Saturday 19 September 2026, 20:30 in Lausanne: Sunday, then Monday the Jeûne fédéral
    friday = dt.datetime(2026, 9, 19, 18, 30, tzinfo=dt.UTC)
    assert window.next_allowed(friday, "CH-VD") == dt.datetime(2026, 9, 22, 6, 0, tzinfo=dt.UTC)
    assert window.next_allowed(friday, "CH-GE") == dt.datetime(2026, 9, 21, 6, 0, tzinfo=dt.UTC)


def test_a_province_sends_in_its_own_time_zone() -> None:
    window = window_for(default_windows(), "CA-BC")
    assert window.market == "CA"
    # 09:00 in Toronto is 06:00 in Vancouver: not yet
    toronto_nine = dt.datetime(2026, 5, 20, 13, 0, tzinfo=dt.UTC)
    assert window.allows(toronto_nine, "CA-ON")
    assert not window.allows(toronto_nine, "CA-BC")
    assert window.next_allowed(toronto_nine, "CA-BC") == dt.datetime(
        2026, 5, 20, 16, 0, tzinfo=dt.UTC
    )


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


FR = default_windows()["FR"]


@pytest.mark.parametrize(
    ("when", "allowed", "next_time"),
    [
        ("2026-05-20 10:00", True, "2026-05-20 10:00"),  # Wednesday
        ("2026-05-20 07:59", False, "2026-05-20 08:00"),
        ("2026-05-20 21:29", True, "2026-05-20 21:29"),
        ("2026-05-20 21:30", False, "2026-05-21 08:00"),
        ("2026-05-13 22:00", False, "2026-05-15 08:00"),  # Thursday 14 is Ascension
        ("2026-05-14 10:00", False, "2026-05-15 08:00"),
        ("2026-05-16 21:45", False, "2026-05-18 08:00"),  # Saturday night → Sunday → Monday
        ("2026-05-17 12:00", False, "2026-05-18 08:00"),  # Sunday
        ("2026-05-23 22:00", False, "2026-05-26 08:00"),  # Sunday then Whit Monday
        ("2026-05-25 09:00", False, "2026-05-26 08:00"),
    ],
)
def test_french_window_across_sunday_and_holidays(when: str, allowed: bool, next_time: str) -> None:
    assert FR.allows(at(when)) is allowed
    assert FR.next_allowed(at(when)) == at(next_time)


def test_an_aware_time_is_read_in_the_markets_time_zone() -> None:
    # 20:00 UTC on Saturday 16 May 2026 = 22:00 in Paris: after the window, then Sunday
    utc = dt.datetime(2026, 5, 16, 20, 0, tzinfo=dt.UTC)
    assert not FR.allows(utc)
    assert FR.next_allowed(utc) == dt.datetime(2026, 5, 18, 6, 0, tzinfo=dt.UTC)  # 08:00 Paris
    qc = default_windows()["CA-QC"]
    # 12:00 UTC Wednesday = 08:00 in Quebec: before 09:00
    assert qc.next_allowed(dt.datetime(2026, 5, 20, 12, 0, tzinfo=dt.UTC)) == dt.datetime(
        2026, 5, 20, 13, 0, tzinfo=dt.UTC
    )


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="needs time.tzset (POSIX)")
def test_without_the_time_zone_database_the_computers_time_is_used(monkeypatch) -> None:
    window = SendWindow("FR", [(dt.time(8), dt.time(21, 30))] * 6 + [None], time_zone="No/Such")
    assert window.zone is None
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    try:
        saturday_night = dt.datetime(2026, 5, 16, 20, 0, tzinfo=dt.UTC)  # 22:00 in Paris
        assert not window.allows(saturday_night)
        assert window.next_allowed(saturday_night) == dt.datetime(2026, 5, 18, 6, 0, tzinfo=dt.UTC)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_quebec_weekend_hours() -> None:
    qc = default_windows()["CA-QC"]
    assert qc.allows(at("2026-05-23 10:00"))  # Saturday
    assert not qc.allows(at("2026-05-23 19:00"))
    assert qc.next_allowed(at("2026-05-23 19:00")) == at("2026-05-24 10:00")


def test_windows_are_settings(database) -> None:
    settings = SmsSettings()
    settings.windows["FR"] = SendWindow.from_dict(
        "FR", {"hours": [["09:00", "12:00"]] * 7, "skip_holidays": False}
    )
    with database.session() as s:
        save_settings(s, settings)
    with database.session() as s:
        loaded = load_settings(s)
    fr = loaded.windows["FR"]
    assert fr.allows(at("2026-05-17 10:00"))  # Sundays allowed now
    assert fr.allows(at("2026-05-14 10:00"))  # holidays too
    assert not fr.allows(at("2026-05-18 13:00"))
    assert loaded.windows["CH"].to_dict() == default_windows()["CH"].to_dict()


@pytest.mark.parametrize(
    "hours",
    [
        [["21:00", "08:00"]] * 7,
        [None] * 7,
        [["8h", "12:00"]] * 7,
        [["08:00", "12:00"]] * 6,
    ],
)
def test_bad_windows_are_refused(hours) -> None:
    with pytest.raises(WindowError):
        SendWindow.from_dict("FR", {"hours": hours})


def test_markets_of_countries() -> None:
    assert market_for_country("fr") == "FR"
    assert market_for_country("CA") == "CA"  # not every Canadian site is in Quebec
    assert market_for_country("DE") == "FR"


def test_the_market_comes_from_the_site_subdivision() -> None:
    assert market_for_site("CA", "CA-QC") == "CA-QC"
    assert market_for_site("CA", "CA-ON") == "CA-ON"
    assert market_for_site("CH", "CH-VD") == "CH-VD"
    assert market_for_site("CH", "FR-37") == "CH"  # a subdivision of another country is ignored
    assert market_for_site("DE", "DE-BY") == "FR"
    assert window_for(default_windows(), "CA-QC").market == "CA-QC"
    assert window_for(default_windows(), "CA-ON").market == "CA"
    assert window_for(default_windows(), "FR-37").market == "FR"
    assert market_name("CH-VD", "fr") == "Suisse (VD)"
    assert market_name("CA-QC", "fr") == "Québec"


@pytest.mark.parametrize(
    ("value", "country", "stored"),
    [("ch-vd", None, "CH-VD"), ("VD", "CH", "CH-VD"), ("", "CH", None), ("FR-971", "FR", "FR-971")],
)
def test_subdivisions_are_normalised(value, country, stored) -> None:
    assert normalise_subdivision(value, country) == stored


@pytest.mark.parametrize(("value", "country"), [("CH-VD", "FR"), ("Vaud", "CH"), ("C-V", None)])
def test_bad_subdivisions_are_refused(value, country) -> None:
    with pytest.raises(WindowError):
        normalise_subdivision(value, country)


# -- templates ----------------------------------------------------------------------------------


def test_merge_fields_map_onto_the_catalog() -> None:
    body = (
        "Bonjour {civilité} {Nom}, votre {modele} ({immatriculation}) le {date rdv} {vehicle.brand}"
    )
    assert placeholders(body) == [
        "civilité",
        "nom",
        "modèle",
        "immatriculation",
        "date rdv",
        "vehicle.brand",
    ]
    assert columns_for(body) == [
        "customer.civility",
        "customer.last_name",
        "vehicle.model",
        "vehicle.plate",
        "vehicle.brand",
    ]
    assert asked_fields(body) == ["date rdv"]


def test_unknown_merge_field_is_named() -> None:
    with pytest.raises(TemplateError, match=r"\{couleur\}"):
        placeholders("Votre {couleur}")


def test_a_criteria_only_field_cannot_be_merged() -> None:
    with pytest.raises(TemplateError, match="criteria only"):
        placeholders("{invoice.line_category}")


def test_render_drops_the_spaces_of_empty_values() -> None:
    assert render("Bonjour {civilité} {nom},", {"nom": "DUPONT"}) == "Bonjour DUPONT,"


def test_optout_mention_is_added_to_marketing_only_when_missing() -> None:
    assert with_optout("Promo", SmsKind.MARKETING, "STOP au 36111") == "Promo\nSTOP au 36111"
    assert (
        with_optout("Promo stop au 36111", SmsKind.MARKETING, "STOP au 36111").count("36111") == 1
    )
    assert with_optout("Votre voiture est prête", SmsKind.SERVICE, "STOP au 36111") == (
        "Votre voiture est prête"
    )
    with pytest.raises(TemplateError, match="opt-out"):
        with_optout("Promo", SmsKind.MARKETING, "")


def test_starter_templates_and_saving(database) -> None:
    with database.session() as s:
        assert find_template(s, "confirmation rdv").kind is SmsKind.SERVICE  # read-only lookup
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(SmsTemplate)) == 0
        names = [t.name for t in list_templates(s)]
    assert sorted(names) == sorted(t.name for t in STARTER_TEMPLATES)
    with database.session() as s:
        saved = save_template(s, "Relance CT", SmsKind.MARKETING, "Bonjour {nom}, CT le {date ct}")
        with pytest.raises(TemplateError, match="already"):
            save_template(s, "CONFIRMATION RDV", SmsKind.SERVICE, "x", template_id=saved.id)
        with pytest.raises(TemplateError, match="Unknown merge field"):
            save_template(s, "Bad", SmsKind.SERVICE, "{nope}")
    with database.session() as s:
        assert find_template(s, "Relance CT").body == "Bonjour {nom}, CT le {date ct}"
        with pytest.raises(TemplateError, match="No SMS template named 'Nope'"):
            find_template(s, "Nope")


# -- settings -----------------------------------------------------------------------------------


def test_settings_round_trip_without_secrets(database) -> None:
    settings = SmsSettings(sender_name="GARAGE", optout_mention="STOP au 36111")
    settings.http.url = "https://api.example.com/sms"
    settings.http.account = "garage"
    with database.session() as s:
        save_settings(s, settings)
    with database.session() as s:
        loaded = load_settings(s)
    assert loaded.to_dict() == settings.to_dict()
    assert loaded.cost_cents(17) == 85


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sender_name": "GARAGE DE TOURS"}, "sender name"),
        ({"price_per_segment": "abc"}, "not a number"),
        ({"gateway": "pigeon"}, "Unknown SMS gateway"),
        ({"http": {"body": "xml"}}, "json or form"),
        ({"http": {"password": "x"}}, "Unknown HTTP gateway setting"),
        ({"windows": {"DE": {"hours": []}}}, "Unknown send-window market"),
    ],
)
def test_bad_settings_are_refused(change: dict, message: str) -> None:
    data = SmsSettings().to_dict()
    data.update(change)
    with pytest.raises(SettingsError, match=message):
        SmsSettings.from_dict(data)


def test_price_is_exact() -> None:
    settings = SmsSettings(price_per_segment="0,045")
    assert settings.cost_cents(1000) == 4500
    assert settings.cost_cents(3) == 14  # 13.5 cents rounded half up


@pytest.mark.parametrize(
    "text",
    ["STOP", "Stop, merci", "STOP?", "« STOP »", "STOP🙏", "Désabonner", "désinscription",
     "stop.", "Arrêt", "UNSUBSCRIBE", "opt-out", "Stopp", "Abmelden bitte", "Basta!",
     "Disiscrivimi", "Lõpeta", "  ＳＴＯＰ  ", "Me désinscrire svp"],
)  # fmt: skip
def test_opt_out_replies_in_every_market_are_recognised(text: str) -> None:
    from app.export.sms.gateway import Reply

    assert Reply("+33612345678", text).is_stop


@pytest.mark.parametrize(
    "text", ["Merci, à demain", "ok", "Non, arrêtez", "Je ne peux pas stopper la voiture", ""]
)
def test_other_replies_are_left_for_a_person(text: str) -> None:
    from app.export.sms.gateway import Reply

    assert not Reply("+33612345678", text).is_stop


def test_a_number_valid_in_the_customers_and_the_sites_country_is_ambiguous() -> None:
    from app.export.sms.phones import customer_regions, normalise_in

    regions, both = customer_regions("CH", "FR")
    phone = normalise_in("079 123 45 68", regions, both=both)
    assert phone.kind is PhoneKind.AMBIGUOUS
    assert phone.readings == ("+41791234568", "+33791234568")
    # written with its country code, or valid in one country only: no doubt
    assert normalise_in("+41 79 123 45 68", regions, both=both).e164 == "+41791234568"
    regions, both = customer_regions("CH", "CH")
    swiss_only = normalise_in("079 123 45 68", regions, both=both)
    assert swiss_only.e164 == "+41791234568"
