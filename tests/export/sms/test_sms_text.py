"""The message text: braces, empty merge values, the segment cap and the starter templates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from smskit import NOW, everyone, plan, save_sms_settings
from sqlalchemy import select

from app.export.sms.encoding import GSM7, GSM_ALL, analyse
from app.export.sms.recipients import plan_send
from app.export.sms.settings import SettingsError, SmsSettings, load_settings
from app.export.sms.templates import (
    OLD_STARTER_BODIES,
    STARTER_TEMPLATES,
    TemplateError,
    check_body,
    ensure_starter_templates,
    escape,
    placeholders,
    render,
    substitute,
    with_optout,
)
from app.models import Customer, Site
from app.models.sms import SmsKind, SmsTemplate

# -- braces -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("{{nom}}", "{nom}"),
        ("{{{nom}}}", "{DUPONT}"),
        ("Code {{A}} : {nom}", "Code {A} : DUPONT"),
        ("}}{{", "}{"),
        ("{{}}", "{}"),
    ],
)
def test_double_braces_write_literal_braces(body: str, text: str) -> None:
    assert render(body, {"nom": "DUPONT"}) == text


@pytest.mark.parametrize("body", ["Bonjour {nom", "Bonjour nom}", "a { b", "{{nom}", "{}"])
def test_a_brace_on_its_own_is_refused(body: str) -> None:
    with pytest.raises(TemplateError, match="on its own"):
        check_body(body)


_free = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)


@given(_free)
def test_any_text_escaped_is_written_back_unchanged(text: str) -> None:
    assert substitute(escape(text), {}) == text
    assert placeholders(escape(text)) == []


@given(_free, _free, _free)
def test_a_merge_field_between_escaped_texts(before: str, value: str, after: str) -> None:
    body = escape(before) + "{nom}" + escape(after)
    assert placeholders(body) == ["nom"]
    # a value is never read as a template: its braces stay as they are
    assert substitute(body, {"nom": value}) == before + value + after


@given(_free)
def test_render_never_raises_on_an_escaped_text(text: str) -> None:
    rendered = render(escape(text), {})
    assert "{{" not in rendered or "{{" in text


# -- empty merge values -------------------------------------------------------------------------


def _add_company(db) -> int:
    with db.session() as s:
        site = s.scalars(select(Site).where(Site.code == "TRS")).one()
        company = Customer(
            dms_ref="SOC1",
            site=site,
            country="FR",
            is_company=True,
            company_name="TRANSPORTS MARTEL",
            phone_mobile="06 44 55 66 77",
        )
        s.add(company)
        s.flush()
        return company.id


def test_nom_falls_back_to_the_company_name(sms_db) -> None:
    db, _ids = sms_db
    save_sms_settings(db)
    company = _add_company(db)
    body = "Bonjour {civilité} {nom}. Suite à des travaux imprévus, merci de nous contacter."
    result = plan(db, body, SmsKind.SERVICE)
    r = next(r for r in result.recipients if r.customer_id == company)
    assert r.text == (
        "Bonjour TRANSPORTS MARTEL. Suite à des travaux imprévus, merci de nous contacter."
    )
    assert not any(r.text.startswith("Bonjour .") for r in result.recipients)


def test_a_required_field_empty_is_a_funnel_step(sms_db) -> None:
    db, ids = sms_db
    save_sms_settings(db)
    result = plan(db, "Votre {modèle} est prêt, {civilité} {nom}.", SmsKind.SERVICE)
    step = next(s for s in result.funnel.steps if s.key == "filled")
    assert step.label == "Required merge fields filled"
    dropped = {r.customer_id: why for r, why in step.dropped}
    # Dupré, Martin and Rossi own a vehicle; the others have no {modèle}
    assert set(ids[n] for n in ("dupre", "martin", "rossi")).isdisjoint(dropped)
    assert dropped[ids["tamm"]] == "required field empty: {modèle}"
    assert {r.customer_id for r in result.recipients} == {
        ids["dupre"],
        ids["martin"],
        ids["rossi"],
    }
    assert all("Votre  " not in r.text and "Votre est" not in r.text for r in result.recipients)
    # what the window offers to send too: Martin-Bis would not get one (Martin has the number)
    assert len(result.empty) == len(dropped) - 1
    assert ids["martin2"] in dropped
    assert ids["martin2"] not in {r.customer_id for r, _fields in result.empty}
    # the step comes before "one SMS per number": a number shared with someone left out here
    # still gets its message
    keys = [s.key for s in result.funnel.steps]
    assert keys.index("filled") < keys.index("duplicate")


def test_the_user_may_send_the_messages_with_an_empty_field_too(sms_db) -> None:
    db, ids = sms_db
    save_sms_settings(db)
    result = plan(db, "Votre {modèle} est prêt.", SmsKind.SERVICE, send_empty=True)
    step = next(s for s in result.funnel.steps if s.key == "filled")
    assert step.dropped == [] and "sent too" in step.label
    assert ids["tamm"] in {r.customer_id for r in result.recipients}
    assert result.empty and result.send_empty


def test_civilite_and_prenom_may_be_empty(sms_db) -> None:
    db, ids = sms_db
    save_sms_settings(db)
    result = plan(db, "Bonjour {civilité} {prénom} {nom}.", SmsKind.SERVICE)
    assert "filled" in [s.key for s in result.funnel.steps]  # {nom} is required
    assert next(s for s in result.funnel.steps if s.key == "filled").dropped == []
    tamm = next(r for r in result.recipients if r.customer_id == ids["tamm"])
    assert tamm.text == "Bonjour M. Tamm."


def test_a_shared_number_goes_to_the_customer_whose_fields_are_filled(sms_db) -> None:
    db, ids = sms_db
    save_sms_settings(db)
    with db.session() as s:  # Martin-Bis shares Martin's number; only Martin owns a vehicle
        s.get(Customer, ids["martin"]).last_name = "Martin"
    result = plan(db, "Votre {modèle} est prêt.", SmsKind.SERVICE)
    by_id = {r.customer_id for r in result.recipients}
    assert ids["martin"] in by_id and ids["martin2"] not in by_id


# -- maximum number of segments -----------------------------------------------------------------


def test_a_message_over_the_maximum_of_segments_is_refused(sms_db) -> None:
    db, ids = sms_db
    save_sms_settings(db)
    result = plan(db, "Bonjour {nom}. " + "x" * 2000, SmsKind.SERVICE)
    settings = load_settings_of(db)
    assert settings.max_segments == 3
    assert len(result.over_limit(3)) == result.count
    error = result.segment_error(settings, "en")
    assert error is not None
    assert error.startswith(f"{result.count} messages are longer than 3 segments (up to 14)")


def test_only_the_messages_over_the_maximum_are_counted(sms_db) -> None:
    db, ids = sms_db
    save_sms_settings(db, max_segments=1)
    with db.session() as s:
        s.get(Customer, ids["tamm"]).last_name = "T" * 160
    result = plan(db, "Bonjour {nom}", SmsKind.SERVICE)
    error = result.segment_error(load_settings_of(db), "en")
    assert error is not None and error.startswith("1 message is longer than 1 segments")
    assert [r.customer_id for r in result.over_limit(1)] == [ids["tamm"]]
    assert plan(db, "Bonjour", SmsKind.SERVICE).segment_error(load_settings_of(db)) is None


@pytest.mark.parametrize("value", [0, 11, -3])
def test_the_maximum_of_segments_is_checked(value: int) -> None:
    with pytest.raises(SettingsError, match="between 1 and 10"):
        SmsSettings.from_dict({"max_segments": value})


def load_settings_of(db):
    with db.session() as s:
        return load_settings(s)


# -- starter templates --------------------------------------------------------------------------

#: Typical values, on the long side: a hyphenated name, a long model and a long site name.
TYPICAL = {
    "civilité": "Madame",
    "nom": "DUPONT-MARTINEZ",
    "prénom": "Marie-Claire",
    "modèle": "GRAND SCENIC",
    "site": "RENAULT ST-ETIENNE",
    "date ct": "14/05/2026",
    "date rdv": "14/05/2026",
    "heure rdv": "10:30",
}


@pytest.mark.parametrize("starter", STARTER_TEMPLATES, ids=lambda t: t.name)
def test_every_starter_is_gsm7_and_fits_its_segment_budget(starter) -> None:
    rendered = render(starter.body, TYPICAL)
    assert "{" not in rendered  # every merge field has a typical value
    sent = with_optout(rendered, starter.kind, "STOP au 36111")
    length = analyse(sent)
    assert length.encoding == GSM7, (starter.name, length.offending)
    assert set(sent) <= GSM_ALL
    assert length.segments <= starter.segments, (starter.name, length)
    assert starter.segments <= SmsSettings().max_segments


def test_saved_starters_nobody_edited_become_gsm7(database) -> None:
    with database.session() as s:
        for body, name in OLD_STARTER_BODIES.items():
            kind = next(t.kind for t in STARTER_TEMPLATES if t.name == name)
            s.add(SmsTemplate(name=name, kind=kind, body=body))
        s.add(SmsTemplate(name="MIENNE", kind=SmsKind.SERVICE, body="A bientôt {nom}"))
    with database.session() as s:
        assert ensure_starter_templates(s) == len(OLD_STARTER_BODIES)
    with database.session() as s:
        bodies = {t.name: t.body for t in s.scalars(select(SmsTemplate))}
    assert bodies["MIENNE"] == "A bientôt {nom}"  # a template of the user's is left alone
    for name in OLD_STARTER_BODIES.values():
        assert analyse(render(bodies[name], TYPICAL)).encoding == GSM7


def test_plan_send_refuses_nothing_for_a_starter(sms_db) -> None:
    db, _ids = sms_db
    save_sms_settings(db)
    settings = load_settings_of(db)
    for starter in STARTER_TEMPLATES:
        with db.engine.connect() as conn:
            result = plan_send(
                conn,
                everyone(),
                starter.body,
                starter.kind,
                settings,
                asked={"date rdv": "14/05/2026", "heure rdv": "10:30"},
                now=NOW,
                lang="en",
            )
        assert result.segment_error(settings) is None
        assert result.encoding == GSM7, (starter.name, result.offending)
