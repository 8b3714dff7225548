"""Find customers that are probably the same person, with a score and the reasons.

**Blocking.** Comparing every customer with every other is 5 billion pairs at 100,000
customers; only customers that share a *block key* are compared: the same mobile (E.164), the
same e-mail address, the same VIN on a vehicle of each, or the same postal code, the same first
three letters of the last name and the same initial of the first name (and the same the other
way round, so that inverted names meet; a company: three letters of any word of its name). Inside a name block, RapidFuzz's ``cdist`` keeps the pairs whose folded names are
close (``token_sort_ratio``: word order does not count) in one vectorised call. Blocks larger
than :data:`MAX_BLOCK` are left aside: a number or address shared by hundreds of records is a
switchboard or a garage's own, not a person's.

**Score** (0-100): the name counts for half (``token_sort_ratio`` of the folded names, an
initial standing for the first name it begins), the same mobile, e-mail or VIN add up to 45,
the same postal code 5 and the same street 15; two different mobiles take 10 off, two different
e-mail addresses 5 (homonyms in one town are common). Two records whose names differ, or whose first
names differ (two people of one household share a phone, an address and an e-mail), stay at 50
or below whatever else they share. The default threshold to list a pair is 60.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.process import cdist
from sqlalchemy import func, select

from app.dedupe.keys import email_key, folded_key, mobile_key, postal_key, street_key
from app.i18n import N_, _
from app.models import Customer, Vehicle

__all__ = [
    "DEFAULT_THRESHOLD",
    "MAX_BLOCK",
    "Candidate",
    "Reason",
    "find_duplicates",
    "score_pair",
]

DEFAULT_THRESHOLD = 60
#: Larger blocks are a shared number or address (a switchboard, a fleet), not one person.
MAX_BLOCK = 50
#: Name blocks (postal code + three letters) may be larger: they are filtered by cdist.
MAX_NAME_BLOCK = 2000
#: ``token_sort_ratio`` a pair of a name block needs to be scored at all.
NAME_CUTOFF = 75
_CAP_DIFFERENT = 50

#: Reasons, in English (translated when shown): code → message with named placeholders.
REASON_TEXTS: dict[str, str] = {
    "mobile": N_("same mobile {value}"),
    "email": N_("same e-mail {value}"),
    "vin": N_("same VIN {value} under both"),
    "same_name": N_("same name"),
    "close_name": N_("names close ({value})"),
    "inverted": N_("first and last names inverted"),
    "initial": N_("an initial for the first name"),
    "postal": N_("same postal code {value}"),
    "street": N_("same street"),
    "mobiles_differ": N_("different mobiles"),
    "emails_differ": N_("different e-mails"),
    "names_differ": N_("names differ"),
    "first_names_differ": N_("first names differ: maybe two people of one household"),
}


@dataclass(frozen=True)
class Reason:
    """One reason why two records may be one person: a code of :data:`REASON_TEXTS`."""

    code: str
    value: str = ""

    def text(self, lang: str | None = None) -> str:
        return _(REASON_TEXTS[self.code], lang).format(value=self.value)


@dataclass(frozen=True)
class Record:
    """What detection reads of one customer."""

    id: int
    dms_ref: str
    site_id: int | None
    is_company: bool
    last: str
    first: str
    postal: str
    street: str
    city: str
    mobiles: tuple[str, ...]
    email: str
    name: str  # as displayed

    @property
    def full(self) -> str:
        return f"{self.last} {self.first}".strip()


@dataclass(frozen=True)
class Candidate:
    """Two customers that are probably one person: ``a_id < b_id``."""

    a_id: int
    b_id: int
    score: int
    reasons: tuple[Reason, ...]
    a_name: str = ""
    b_name: str = ""
    a_ref: str = ""
    b_ref: str = ""
    place: str = ""

    def reason_text(self, lang: str | None = None) -> str:
        return " · ".join(r.text(lang) for r in self.reasons)


@dataclass
class _Evidence:
    vins: set[str] = field(default_factory=set)


# --- reading ----------------------------------------------------------------------------------


def _records(conn) -> list[Record]:
    c = Customer.__table__.c
    rows = conn.execute(
        select(
            c.id,
            c.dms_ref,
            c.site_id,
            c.is_company,
            c.last_name,
            c.first_name,
            c.company_name,
            c.last_name_fold,
            c.first_name_fold,
            c.company_name_fold,
            c.address1_fold,
            c.postal_code,
            c.city,
            c.country,
            c.phone_mobile,
            c.phone_home,
            c.phone_work,
            c.email,
        )
    )
    records = []
    for row in rows:
        if row.is_company or not row.last_name_fold:
            last = folded_key(row.company_name_fold or row.last_name_fold)
            first = ""
            shown = row.company_name or row.last_name or ""
        else:
            last = folded_key(row.last_name_fold)
            first = folded_key(row.first_name_fold)
            shown = " ".join(p for p in (row.last_name, row.first_name) if p)
        region = row.country or "FR"
        mobiles = tuple(
            dict.fromkeys(
                m
                for m in (
                    mobile_key(row.phone_mobile, region),
                    mobile_key(row.phone_home, region),
                    mobile_key(row.phone_work, region),
                )
                if m
            )
        )
        records.append(
            Record(
                id=row.id,
                dms_ref=row.dms_ref or "",
                site_id=row.site_id,
                is_company=bool(row.is_company),
                last=last,
                first=first,
                postal=postal_key(row.postal_code, region),
                street=street_key(row.address1_fold, folded=True),
                city=row.city or "",
                mobiles=mobiles,
                email=email_key(row.email),
                name=shown,
            )
        )
    return records


def _shared_vins(conn) -> dict[str, list[int]]:
    """VIN → the customers owning a vehicle with it now, for VINs under several customers."""
    v = Vehicle.__table__.c
    shared = (
        select(v.vin)
        .where(v.vin.is_not(None), v.owner_id.is_not(None))
        .group_by(v.vin)
        .having(func.count(func.distinct(v.owner_id)) > 1)
    )
    owners: dict[str, list[int]] = defaultdict(list)
    rows = conn.execute(
        select(v.vin, v.owner_id).where(v.vin.in_(shared), v.owner_id.is_not(None)).distinct()
    )
    for vin, owner in rows:
        owners[vin].append(owner)
    return owners


# --- scoring ----------------------------------------------------------------------------------


def _first_similarity(a: str, b: str) -> float:
    """How close two first names are, an initial matching the names it begins."""
    if not a or not b:
        return 100.0
    if len(a) == 1 or len(b) == 1:
        return 100.0 if a[0] == b[0] else 0.0
    return fuzz.ratio(a, b)


def _expand_initial(first: str, other: str) -> str:
    """``"J"`` stands for ``"JEAN"`` when compared with Jean: score it as the full name."""
    if len(first) == 1 and other.startswith(first):
        return other
    return first


def score_pair(a: Record, b: Record, vins: Iterable[str] = ()) -> tuple[int, tuple[Reason, ...]]:
    """The score (0-100) of *a* and *b* being one person, and the reasons."""
    reasons: list[Reason] = []
    first_a = _expand_initial(a.first, b.first)
    first_b = _expand_initial(b.first, a.first)
    full_a = f"{a.last} {first_a}".strip()
    full_b = f"{b.last} {first_b}".strip()
    name = fuzz.token_sort_ratio(full_a, full_b)

    straight = (fuzz.ratio(a.last, b.last) + _first_similarity(a.first, b.first)) / 2
    crossed = 0.0
    if a.first and b.first:
        crossed = (fuzz.ratio(a.last, b.first) + fuzz.ratio(a.first, b.last)) / 2
    inverted = crossed > straight and crossed >= 85
    first_sim = (
        min(fuzz.ratio(a.last, b.first), fuzz.ratio(a.first, b.last))
        if inverted
        else _first_similarity(a.first, b.first)
    )

    if full_a == full_b and a.full == b.full:
        reasons.append(Reason("same_name"))
    elif inverted:
        reasons.append(Reason("inverted"))
    elif name >= 60:
        reasons.append(Reason("close_name", f"{a.name} / {b.name}"))
    if not inverted and (first_a != a.first or first_b != b.first):
        reasons.append(Reason("initial"))

    evidence = 0.0
    shared_mobiles = sorted(set(a.mobiles) & set(b.mobiles))
    for number in shared_mobiles[:1]:
        reasons.append(Reason("mobile", number))
        evidence += 30
    if a.email and a.email == b.email:
        reasons.append(Reason("email", a.email))
        evidence += 30
    for vin in sorted(vins)[:1]:
        reasons.append(Reason("vin", vin))
        evidence += 35
    score = name / 2 + min(evidence, 45)
    if a.postal and a.postal == b.postal:
        reasons.append(Reason("postal", a.postal))
        score += 5
        if a.street and b.street and fuzz.token_sort_ratio(a.street, b.street) >= 85:
            reasons.append(Reason("street"))
            score += 15
    if a.mobiles and b.mobiles and not shared_mobiles:
        reasons.append(Reason("mobiles_differ"))
        score -= 10
    if a.email and b.email and a.email != b.email:
        reasons.append(Reason("emails_differ"))
        score -= 5

    if inverted:
        last_sim = min(fuzz.ratio(a.last, b.first), fuzz.ratio(a.first, b.last))
    else:
        last_sim = fuzz.ratio(a.last, b.last)
    if name < 60 or (not a.is_company and not b.is_company and last_sim < 70):
        reasons.append(Reason("names_differ"))
        score = min(score, _CAP_DIFFERENT)
    elif a.first and b.first and not a.is_company and not b.is_company and first_sim < 70:
        reasons.append(Reason("first_names_differ"))
        score = min(score, _CAP_DIFFERENT)
    return int(round(max(0, min(score, 100)))), tuple(reasons)


# --- detection --------------------------------------------------------------------------------


Progress = Callable[[int, int, str], None]


def _pairs_of(ids: list[int]) -> Iterable[tuple[int, int]]:
    yield from itertools.combinations(sorted(set(ids)), 2)


def _name_keys(r: Record) -> set[str]:
    """A person's name blocks: three letters of the last name and the first name's initial,
    and the same the other way round (inverted names meet); a company's: three letters of
    each word."""
    last, first = r.last.replace(" ", ""), r.first.replace(" ", "")
    if first:
        return {f"{last[:3]}/{first[:1]}", f"{first[:3]}/{last[:1]}"}
    return {word[:3] for word in r.last.split() if len(word) >= 3} or {last[:3]}


def find_duplicates(
    conn,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    progress: Progress | None = None,
    lang: str | None = None,
) -> list[Candidate]:
    """The pairs of customers scoring *threshold* or more, best first.

    *conn* is a SQLAlchemy Connection or Session; *progress(done, total, text)* is called
    between steps (it may raise to cancel).
    """

    def step(done: int, text: str) -> None:
        if progress is not None:
            progress(done, 5, text)

    step(0, _("Reading the customers…", lang))
    records = _records(conn)
    by_id = {r.id: r for r in records}
    step(1, _("Reading the vehicles…", lang))
    vins = _shared_vins(conn)

    step(2, _("Grouping the customers…", lang))
    pairs: dict[tuple[int, int], set[str]] = defaultdict(set)
    exact_blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    name_blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in records:
        for number in r.mobiles:
            exact_blocks[("m", number)].append(r.id)
        if r.email:
            exact_blocks[("e", r.email)].append(r.id)
        if r.postal:
            for key in _name_keys(r):
                name_blocks[(r.postal, key)].append(r.id)
    for ids in exact_blocks.values():
        if 1 < len(ids) <= MAX_BLOCK:
            for pair in _pairs_of(ids):
                pairs[pair]
    for vin, owners in vins.items():
        if len(owners) <= MAX_BLOCK:
            for pair in _pairs_of(owners):
                pairs[pair].add(vin)

    step(3, _("Comparing the names…", lang))
    for ids in name_blocks.values():
        if len(ids) < 2 or len(ids) > MAX_NAME_BLOCK:
            continue
        if len(ids) <= 4:  # most blocks: plain calls cost less than a matrix
            for a, b in itertools.combinations(ids, 2):
                if fuzz.token_sort_ratio(by_id[a].full, by_id[b].full) >= NAME_CUTOFF:
                    pairs[(a, b) if a < b else (b, a)]
            continue
        names = [by_id[i].full for i in ids]
        matrix = cdist(
            names,
            names,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=NAME_CUTOFF,
            workers=-1 if len(ids) > 300 else 1,
        )
        for x, y in zip(*matrix.nonzero(), strict=True):
            if x < y:
                a, b = ids[x], ids[y]
                pairs[(a, b) if a < b else (b, a)]

    step(4, _("Scoring the pairs…", lang))
    found = []
    for (a_id, b_id), pair_vins in pairs.items():
        a, b = by_id.get(a_id), by_id.get(b_id)
        if a is None or b is None:
            continue
        score, reasons = score_pair(a, b, pair_vins)
        if score >= threshold:
            place = " ".join(p for p in (a.postal, a.city) if p)
            found.append(
                Candidate(a_id, b_id, score, reasons, a.name, b.name, a.dms_ref, b.dms_ref, place)
            )
    found.sort(key=lambda c: (-c.score, c.a_name, c.a_id, c.b_id))
    step(5, _("Done", lang))
    return found
