"""The step "required merge fields filled" of the e-mail funnel, for every combination of values."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from app.export.email.recipients import EmailRecipient, apply_template
from app.export.email.templates import compile_template
from app.export.funnel import Funnel

TEMPLATE = compile_template(
    "Bonjour {prénom} {nom}",
    '<p>{civilité} {nom}, votre {modèle}</p><p><a href="«Site - Lien de réservation»?c={civilité}">rdv</a></p>',
)
KEYS = ["customer.first_name", "customer.last_name", "customer.civility", "vehicle.model",
        "customer.site_booking_url"]  # fmt: skip
#: {prénom} may be empty (subject, text); {civilité} may not: it is in a link too.
REQUIRED = set(KEYS) - {"customer.first_name"}

_value = st.sampled_from(["", " ", "x"])
_person = st.fixed_dictionaries({k: _value for k in KEYS})


@given(st.lists(st.tuples(_person, st.sampled_from(["a@x.fr", "b@x.fr", "c@x.fr"])), max_size=8),
       st.booleans())  # fmt: skip
def test_an_e_mail_goes_only_with_its_required_fields_filled_unless_chosen(people, send_empty) -> None:
    candidates = [
        EmailRecipient(i, None, f"P{i}", address, address=address, values=values)
        for i, (values, address) in enumerate(people)
    ]
    base: Funnel[EmailRecipient] = Funnel.start("rows", "rows", candidates)
    plan = apply_template(base, TEMPLATE, "marketing", dt.datetime.now().astimezone(),
                          send_empty=send_empty, lang="en")  # fmt: skip
    def filled(r: EmailRecipient) -> bool:
        return all(r.values[k].strip() for k in REQUIRED)

    kept_before = [r for r in candidates if send_empty or filled(r)]
    first: dict[str, EmailRecipient] = {}
    for r in kept_before:
        first.setdefault(r.address, r)
    assert plan.recipients == list(first.values())
    assert base.kept == candidates  # the base is not changed
    # the ones listed: an empty required field, one per address among all candidates
    firsts = {}
    for r in candidates:
        firsts.setdefault(r.address, r)
    assert [r for r, _f in plan.empty] == [r for r in candidates if not filled(r) and firsts[r.address] is r]
    for _r, fields in plan.empty:  # {prénom} is never named: it may be empty
        assert fields and "«First name»" not in fields
    assert plan.empty_site == (
        {"customer.site_booking_url": n}
        if (n := sum(1 for r in firsts.values() if not r.values["customer.site_booking_url"].strip()))
        else {}
    )
