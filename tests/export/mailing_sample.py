"""The query tests' sample dealership, with postal addresses, a household and a couple.

Used by the Word mail merge, labels and postal funnel tests (and the CLI and dialog tests).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from app.models import Customer, Site, Vehicle
from app.models.db import Database
from app.query.criteria import Group
from app.query.target import Target
from tests.query.conftest import TODAY, build_sample

__all__ = ["TODAY", "ADDRESSES", "SITE_DETAILS", "build_mailing_sample", "everyone"]

#: name → (address1, postal code, city); customers not listed keep the sample's data.
ADDRESSES = {
    "dupre": ("12 rue Nationale", "37000", "Tours"),
    "dupont": ("4 rue des Lilas", "37210", "CHANCAY"),  # refuses post
    "martin": ("3 avenue de Paris", "78000", "Versailles"),
    "gasnier": ("8 Grande Rue", "78660", "ABLIS"),
    "lefevre": ("1 rue Colbert", "", "Tours"),  # no postal code
    "oeuvre": ("2 place Plumereau", "37000", None),  # no city
    "somfy": ("50 avenue du Nouveau Monde", "74300", "Cluses"),
    "dupont_a": ("9 quai Paul Bert", "37100", "TOURS"),  # refuses post
}


#: The details of the sample's site (Garage de Tours), printed by the «Site - …» merge fields.
SITE_DETAILS = {
    "address": "145 avenue de Grammont",
    "postal_code": "37000",
    "city": "Tours",
    "phone": "02 47 20 45 60",
    "email": "atelier@garage-tours.example",
    "website": "https://garage-tours.example",
    "booking_url": "https://garage-tours.example/rdv",
}


def build_mailing_sample(db: Database) -> dict[str, int]:
    """The sample of tests/query/conftest.py plus addresses, Madame Gasnier (same home as
    Monsieur Gasnier, written differently) and a couple ("Monsieur et Madame Petit")."""
    ids = build_sample(db)
    with db.session() as s:
        s.execute(update(Site).where(Site.code == "TRS").values(**SITE_DETAILS))
        tours = s.query(Site.id).filter(Site.code == "TRS").scalar()
        s.execute(update(Customer).values(site_id=tours))  # every letter is sent from Tours
        for name, (line, postal_code, city) in ADDRESSES.items():
            s.execute(
                update(Customer)
                .where(Customer.id == ids[name])
                .values(address1=line, postal_code=postal_code, city=city)
            )
        mrs = Customer(
            dms_ref="C11",
            civility="Madame",
            last_name="Gasnier",
            first_name="Marie",
            address1="8, grande rue",
            postal_code="78660",
            city="Ablis",
            site_id=tours,
        )
        couple = Customer(
            dms_ref="C12",
            civility="Monsieur et Madame",
            last_name="Petit",
            first_name="Marc",
            address1="7 allée des Tilleuls",
            address2="Bâtiment B",
            postal_code="37300",
            city="Joué-lès-Tours",
            site_id=tours,
        )
        s.add_all([mrs, couple])
        s.flush()
        s.add(
            Vehicle(
                owner_id=couple.id,
                plate="KL-123-MN",
                brand="PEUGEOT",
                model="308",
                first_registration=dt.date(2012, 6, 16),
            )
        )
        ids["gasnier_m"] = mrs.id
        ids["petit"] = couple.id
    return ids


def everyone(**kw) -> Target:
    """A target with every customer and their vehicles in use."""
    kw.setdefault(
        "columns",
        [
            "customer.civility",
            "customer.last_name",
            "customer.first_name",
            "vehicle.plate",
            "vehicle.model",
        ],
    )
    kw.setdefault("name", "Tous")
    kw.setdefault("criteria", Group("all", []))
    return Target(**kw)
