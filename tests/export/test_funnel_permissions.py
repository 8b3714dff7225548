"""The funnels honour the permission model: a refusal follows the number to every customer
holding it (SMS), and a customer whose mail came back gets no letter (post)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from app.export.postal import postal_funnel
from app.export.sms.recipients import plan_send
from app.export.sms.settings import SmsSettings
from app.models import Customer, Site
from app.models.enums import Channel, MarketingBasis
from app.models.permissions import record_refusal, suppress_phone
from app.models.sms import SmsKind
from app.query.target import Target

NOW = dt.datetime(2026, 5, 20, 14, 0, tzinfo=dt.UTC)
SETTINGS = SmsSettings(sender_name="GARAGE", optout_mention="STOP au 36111")


def _people(db) -> dict[str, int]:
    with db.session() as s:
        site = Site(code="TRS", name="Garage de Tours", country="FR")

        def c(ref, name, mobile, **kw):
            customer = Customer(
                dms_ref=ref,
                site=site,
                last_name=name,
                phone_mobile=mobile,
                marketing_basis=MarketingBasis.CONSENT,
                address1="1 rue de la Paix",
                postal_code="37000",
                city="Tours",
                **kw,
            )
            s.add(customer)
            return customer

        people = {
            "girard": c("1", "GIRARD", "06 12 34 56 78"),
            "girrard": c("2", "GIRRARD", "+33612345678"),  # the same person, typed twice
            "martin": c("3", "MARTIN", "07 81 22 33 44"),
            "stopped": c("4", "LEROY", "06 66 77 88 99"),
        }
        s.flush()
        record_refusal(
            s, people["girard"], Channel.SMS, dt.date(2026, 4, 1), "Saisie Cible", "amelie"
        )
        suppress_phone(s, "+33666778899", Channel.SMS, dt.date(2026, 4, 2), "SMS STOP")
        return {k: v.id for k, v in people.items()}


def test_a_suppressed_number_is_dropped_for_every_customer_holding_it(database) -> None:
    ids = _people(database)
    with database.engine.connect() as conn:
        plan = plan_send(
            conn,
            Target(name="Tous"),
            "Bonjour {nom}",
            SmsKind.SERVICE,
            SETTINGS,
            now=NOW,
            lang="en",
        )
    assert {r.customer_id for r in plan.recipients} == {ids["martin"]}
    refused = next(step for step in plan.funnel.steps if step.key == "refused")
    reasons = {r.customer_id: why for r, why in refused.dropped}
    assert reasons[ids["girard"]].startswith("refused SMS")
    assert reasons[ids["girrard"]] == "number on the SMS suppression list: +33612345678"
    assert reasons[ids["stopped"]] == "number on the SMS suppression list: +33666778899"


def test_a_customer_with_an_unknown_address_gets_no_letter(database) -> None:
    ids = _people(database)
    with database.session() as s:
        s.execute(update(Customer).where(Customer.id == ids["martin"]).values(unknown_address=True))
    with database.engine.connect() as conn:
        result = postal_funnel(conn, Target(name="Tous"), today=dt.date(2026, 5, 20), lang="en")
    assert ids["martin"] not in result.customer_ids
    assert ids["girard"] in result.customer_ids
    address = next(step for step in result.steps if step.key == "address")
    assert [why for _, why in address.dropped] == ["unknown address (mail returned)"]
