"""A deterministic, realistic French dealership database for demonstrations, tests and benchmarks.

:func:`generate_demo` fills an empty Cible database with an invented dealer group of three sites
in the Centre-Val de Loire region (Renault-Dacia in Tours, Peugeot-Citroën in Blois,
Volkswagen-Audi-SEAT-Škoda in Orléans) and three small branches abroad:

* people with civilities and companies, addresses in real communes with their postal codes
  (:data:`COMMUNES`), French phone numbers (some missing, some landline-only), e-mails at the
  reserved ``example.*`` domains (RFC 2606: a demo database can never reach a real mailbox);
* leasing companies (ARVAL, DIAC LOCATION...) flagged as fleets and owning many vehicles,
  dealers (marchands) who bought traded-in cars, and a few duplicate customers (the same person
  twice, spelt slightly differently);
* the vehicles French dealers see, with consistent dates: registration (MEC), next service,
  technical inspection (CT: 4 years after the MEC, then every 2 years), warranty, extended
  warranty and mobility guarantee; traded-in and returned leased vehicles change owner, with the
  ownership history; some are sold, scrapped or stolen;
* branches in Switzerland (CH-VD, CH-GE) and Quebec (CA-QC) with local addresses, numbers and
  plates; Canadian customers' implied consents (CASL) lapse, some already have;
* leased cars carry their driver; a few old ones are still the leasing company's in the DMS;
  vehicle statuses have their dates; a few percent of customers have an unknown address (mail
  returned) or an incomplete one;
* contact refusals per channel as a permission history (``permission_event``) with the
  ``optout_*`` and ``marketing_basis*`` cache columns :mod:`app.models.permissions` would compute
  from it, and the suppression lists the refusals make: duplicates sharing a number (Claire
  GIRARD and GIRRARD) are left out of SMS when one of them replied STOP;
* customer, warranty and internal (vehicle preparation) workshop invoices with numbered lines,
  sales with an order number unique per site;
* ten years of workshop invoices whose lines add up exactly to their totals, new and used vehicle
  sales with every kind of financing (``financing_end`` = start + term months) and the plans sold
  with them, and the contacts made (welcome letters, courtesy calls, reminders, greetings,
  win-back), never on a channel the customer refused.

The same ``seed`` and ``today`` give the same rows, byte for byte. Rows are written with
SQLAlchemy Core ``insert()`` in large batches inside one transaction, with precomputed ids:
10,000 customers take seconds.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import json
import operator
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Boolean, Connection, Enum, String, Table, func, insert, select

from app.errors import DatabaseError
from app.i18n import _
from app.models.activity import (
    ContactHistory,
    InvoiceLine,
    SaleProduct,
    Setting,
    VehicleSale,
    WorkshopInvoice,
)
from app.models.db import Database
from app.models.dealership import (
    Customer,
    Ownership,
    PermissionEvent,
    Site,
    SuppressionEntry,
    Vehicle,
    with_display_name,
)
from app.models.textfold import fold

#: Key of the :class:`~app.models.activity.Setting` row that marks a demo database (JSON:
#: seed, customers, today). Features that reach real people can refuse to run on it.
DEMO_SETTING = "demo_database"

#: Customers generated (and inserted) per batch: about a twentieth of the total (progress is
#: reported after each batch), between these bounds.
CHUNK_MIN, CHUNK_MAX = 250, 2000

_DAY = dt.timedelta(days=1)


# -- reference data -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Commune:
    """A real French commune: its postal code, name and the first digits of its landlines."""

    postal_code: str
    city: str
    #: Landline prefixes of the area (``"0247"`` → ``02 47 xx xx xx``).
    phone_prefixes: tuple[str, ...]
    weight: float
    #: Index of the group's site customers from here usually go to; None: far away.
    site: int | None
    #: ISO 3166 alpha-2 country.
    country: str = "FR"


def _communes(text: str, country: str = "FR") -> tuple[Commune, ...]:
    rows = []
    for line in text.strip().splitlines():
        code, city, prefixes, weight, site = line.split("|")
        rows.append(
            Commune(code, city, tuple(prefixes.split()), float(weight),
                    int(site) if site else None, country)
        )  # fmt: skip
    return tuple(rows)


#: Real communes with their real postal codes (the demo's addresses use only these).
COMMUNES: tuple[Commune, ...] = (
    _communes(
        """
37000|Tours|0247|30|0
37100|Tours|0247|15|0
37200|Tours|0247|12|0
37300|Joué-lès-Tours|0247|12|0
37540|Saint-Cyr-sur-Loire|0247|7|0
37700|Saint-Pierre-des-Corps|0247|5|0
37550|Saint-Avertin|0247|5|0
37170|Chambray-lès-Tours|0247|4|0
37520|La Riche|0247|3|0
37230|Fondettes|0247|4|0
37230|Luynes|0247|1.5|0
37400|Amboise|0247|5|0
37500|Chinon|0247|3|0
37600|Loches|0247|3|0
37270|Montlouis-sur-Loire|0247|4|0
37510|Ballan-Miré|0247|3|0
37210|Vouvray|0247|1.5|0
37150|Bléré|0247|2|0
37130|Langeais|0247|1.5|0
37110|Château-Renault|0247|2|0
37190|Azay-le-Rideau|0247|1.5|0
37260|Monts|0247|2|0
37250|Veigné|0247|2|0
37800|Sainte-Maure-de-Touraine|0247|1.5|0
41000|Blois|0254|25|1
41100|Vendôme|0254|6|1
41200|Romorantin-Lanthenay|0254|5|1
41500|Mer|0254|2|1
41350|Vineuil|0254|4|1
41350|Saint-Gervais-la-Forêt|0254|2|1
41260|La Chaussée-Saint-Victor|0254|3|1
41400|Montrichard Val de Cher|0254|2|1
41700|Le Controis-en-Sologne|0254|1.5|1
41300|Salbris|0254|1.5|1
41110|Saint-Aignan|0254|1.5|1
41130|Selles-sur-Cher|0254|1.5|1
41250|Bracieux|0254|1|1
41120|Chailles|0254|1.5|1
41190|Herbault|0254|1|1
41800|Montoire-sur-le-Loir|0254|1.5|1
41600|Lamotte-Beuvron|0254|1.5|1
45000|Orléans|0238|20|2
45100|Orléans|0238|10|2
45160|Olivet|0238|6|2
45400|Fleury-les-Aubrais|0238|5|2
45800|Saint-Jean-de-Braye|0238|5|2
45140|Saint-Jean-de-la-Ruelle|0238|4|2
45770|Saran|0238|4|2
45650|Saint-Jean-le-Blanc|0238|2|2
45380|La Chapelle-Saint-Mesmin|0238|2.5|2
45140|Ingré|0238|2.5|2
45430|Chécy|0238|2.5|2
45200|Montargis|0238|3|2
45200|Amilly|0238|1.5|2
45500|Gien|0238|2.5|2
45300|Pithiviers|0238|2|2
45190|Beaugency|0238|2|2
45130|Meung-sur-Loire|0238|2|2
45150|Jargeau|0238|1|2
45560|Saint-Denis-en-Val|0238|1.5|2
45110|Châteauneuf-sur-Loire|0238|2|2
45600|Sully-sur-Loire|0238|1.5|2
45240|La Ferté-Saint-Aubin|0238|2|2
75008|Paris|0142 0145 0153|1|
75015|Paris|0145 0147 0153|1.5|
92500|Rueil-Malmaison|0147 0141|0.5|
92000|Nanterre|0147 0146|0.5|
92100|Boulogne-Billancourt|0146 0141|0.5|
93160|Noisy-le-Grand|0143 0145|0.3|
78190|Trappes|0130|0.2|
78300|Poissy|0139 0130|0.3|
78000|Versailles|0139 0130|0.5|
72000|Le Mans|0243|1|
49000|Angers|0241|0.8|
44000|Nantes|0240|0.8|
86000|Poitiers|0549|0.6|
18000|Bourges|0248|0.8|
28000|Chartres|0237|0.8|
36000|Châteauroux|0254|0.5|
69003|Lyon|0478 0472|0.4|
"""
    )
    + _communes(
        # Vaud and Geneva (Swiss postal codes, 0xx area codes).
        """
1003|Lausanne|021|6|3
1004|Lausanne|021|5|3
1005|Lausanne|021|3|3
1020|Renens|021|3|3
1110|Morges|021|2|3
1400|Yverdon-les-Bains|024|2|3
1800|Vevey|021|2|3
1008|Prilly|021|1.5|3
1201|Genève|022|5|4
1203|Genève|022|4|4
1205|Genève|022|4|4
1227|Carouge|022|2|4
1212|Grand-Lancy|022|2|4
1217|Meyrin|022|1.5|4
1225|Chêne-Bourg|022|1|4
1220|Les Avanchets|022|1|4
""",
        "CH",
    )
    + _communes(
        # Quebec (Canadian postal codes, NANP area codes).
        """
H2X 1Y4|Montréal|514 438|4|5
H3B 2Y5|Montréal|514 438|3|5
H4P 2N2|Montréal|514 438|2|5
H1V 3R2|Montréal|514 438|2|5
H7N 5H9|Laval|450 579|3|5
J4K 2T5|Longueuil|450 579|2|5
J7V 8P2|Vaudreuil-Dorion|450|1|5
G1R 4P5|Québec|418 581|1|5
""",
        "CA",
    )
)


@dataclass(frozen=True, slots=True)
class _SiteInfo:
    code: str
    name: str
    address: str
    postal_code: str
    city: str
    phone: str
    brands: tuple[str, ...]
    weight: float
    salespeople: tuple[str, ...]
    fi_managers: tuple[str, ...]
    #: ISO 3166-2 subdivision (the department, canton or province).
    subdivision: str = ""

    @property
    def country(self) -> str:
        return self.subdivision[:2]


GROUP_NAME = "Groupe Loire Automobiles"

_SITES: tuple[_SiteInfo, ...] = (
    _SiteInfo(
        "TRS", "Loire Automobiles Tours", "145 avenue de Grammont", "37000", "Tours",
        "02 47 20 45 60", ("RENAULT", "DACIA"), 0.45,
        ("Julien Moreau", "Nathalie Bernard", "Karim Benali", "Sébastien Roux", "Élodie Faure"),
        ("Claire Lambert", "Thomas Girard"), "FR-37",
    ),
    _SiteInfo(
        "BLO", "Loire Automobiles Blois", "28 avenue de Châteaudun", "41000", "Blois",
        "02 54 78 12 30", ("PEUGEOT", "CITROEN"), 0.25,
        ("Pascal Lefèvre", "Aurélie Petit", "Mickaël Fontaine", "Sandrine Chevalier"),
        ("Damien Marchand",), "FR-41",
    ),
    _SiteInfo(
        "ORL", "Loire Automobiles Orléans", "55 route d'Olivet", "45100", "Orléans",
        "02 38 66 14 90", ("VOLKSWAGEN", "AUDI", "SEAT", "SKODA"), 0.30,
        ("Antoine Rousseau", "Céline Garnier", "Nicolas Perrin", "Laetitia Masson", "Yann Le Gall"),
        ("Hélène Dumas", "Romain Colin"), "FR-45",
    ),
    # The group's branches abroad: Swiss cantons and Quebec (provincial and CASL rules).
    _SiteInfo(
        "LSN", "Loire Automobiles Lausanne", "Avenue de Morges 120", "1004", "Lausanne",
        "021 624 31 50", ("PEUGEOT", "CITROEN"), 0.035,
        ("Lionel Favre", "Mélanie Rochat"), ("Patrick Cuendet",), "CH-VD",
    ),
    _SiteInfo(
        "GVA", "Loire Automobiles Genève", "Rue de Lyon 85", "1203", "Genève",
        "022 344 52 10", ("RENAULT", "DACIA"), 0.03,
        ("Nadia Berset", "Olivier Python"), ("Sarah Chappuis",), "CH-GE",
    ),
    _SiteInfo(
        "MTL", "Loire Automobiles Montréal", "8600 boulevard Décarie", "H4P 2N2", "Montréal",
        "514 735-2200", ("VOLKSWAGEN", "AUDI"), 0.045,
        ("Marc-André Tremblay", "Geneviève Gagnon", "Kevin Roy"), ("Isabelle Côté",), "CA-QC",
    ),
)  # fmt: skip

#: Brands serviced by every site's workshop although the group does not sell them.
_OTHER_BRANDS = ("TOYOTA", "MINI", "AUSTIN", "FORD", "OPEL", "NISSAN", "FIAT", "BMW")

# brand|model|first year|last year|genre|price in 2020 (€)|weight|kind (N normal, E electric
# only, H mostly hybrid, C commercial)
_CATALOG_TEXT = """
RENAULT|CLIO|1990|2099|VP|19000|30|N
RENAULT|MEGANE|1996|2099|VP|25000|18|N
RENAULT|LAGUNA|1994|2015|VP|27000|6|N
RENAULT|TWINGO|1993|2024|VP|13000|12|N
RENAULT|CAPTUR|2013|2099|VP|23000|16|N
RENAULT|SCENIC|1996|2099|VP|28000|10|N
RENAULT|KADJAR|2015|2022|VP|27000|5|N
RENAULT|ARKANA|2021|2099|VP|30000|4|N
RENAULT|AUSTRAL|2022|2099|VP|35000|3|N
RENAULT|KANGOO|1998|2099|CTTE|20000|10|C
RENAULT|TRAFIC|2001|2099|CTTE|30000|3|C
RENAULT|MASTER|1998|2099|CTTE|32000|3|C
RENAULT|TWIZY|2012|2023|QM|8000|1|E
RENAULT|R5|1972|1996|VP|8000|5|N
RENAULT|R19|1988|1996|VP|11000|4|N
RENAULT|ZOE|2013|2024|VP|32000|4|E
DACIA|SANDERO|2008|2099|VP|12000|20|N
DACIA|DUSTER|2010|2099|VP|17000|14|N
DACIA|LOGAN|2005|2022|VP|11000|5|N
DACIA|JOGGER|2022|2099|VP|18000|3|N
DACIA|SPRING|2021|2099|VP|17000|3|E
PEUGEOT|205|1983|1998|VP|10000|6|N
PEUGEOT|106|1991|2003|VP|10000|4|N
PEUGEOT|306|1993|2002|VP|14000|4|N
PEUGEOT|206|1998|2012|VP|14000|10|N
PEUGEOT|207|2006|2014|VP|15000|10|N
PEUGEOT|208|2012|2099|VP|19000|22|N
PEUGEOT|308|2007|2099|VP|26000|15|N
PEUGEOT|2008|2013|2099|VP|24000|12|N
PEUGEOT|3008|2009|2099|VP|33000|12|N
PEUGEOT|5008|2009|2099|VP|36000|5|N
PEUGEOT|508|2011|2099|VP|38000|3|N
PEUGEOT|PARTNER|1996|2099|CTTE|22000|6|C
PEUGEOT|EXPERT|1995|2099|CTTE|31000|2|C
CITROEN|AX|1986|1998|VP|8000|3|N
CITROEN|ZX|1991|1998|VP|12000|2|N
CITROEN|SAXO|1996|2003|VP|10000|3|N
CITROEN|XSARA|1997|2006|VP|14000|4|N
CITROEN|C1|2005|2022|VP|11000|6|N
CITROEN|C3|2002|2099|VP|17000|20|N
CITROEN|C4|2004|2099|VP|25000|10|N
CITROEN|XSARA PICASSO|1999|2010|VP|16000|4|N
CITROEN|C4 PICASSO|2006|2022|VP|24000|6|N
CITROEN|C3 AIRCROSS|2017|2099|VP|21000|6|N
CITROEN|C5 AIRCROSS|2018|2099|VP|32000|6|N
CITROEN|BERLINGO|1996|2099|CTTE|22000|8|C
CITROEN|JUMPY|1995|2099|CTTE|30000|2|C
VOLKSWAGEN|POLO|1981|2099|VP|19000|20|N
VOLKSWAGEN|GOLF|1983|2099|VP|27000|25|N
VOLKSWAGEN|TOURAN|2003|2099|VP|32000|4|N
VOLKSWAGEN|PASSAT|1988|2099|VP|38000|4|N
VOLKSWAGEN|TIGUAN|2007|2099|VP|36000|12|N
VOLKSWAGEN|T-ROC|2017|2099|VP|28000|10|N
VOLKSWAGEN|ID.3|2020|2099|VP|38000|4|E
VOLKSWAGEN|CADDY|2004|2099|CTTE|25000|4|C
VOLKSWAGEN|TRANSPORTER|1998|2099|CTTE|40000|3|C
AUDI|A1|2010|2099|VP|24000|6|N
AUDI|A3|1996|2099|VP|32000|12|N
AUDI|A4|1995|2099|VP|42000|8|N
AUDI|Q3|2011|2099|VP|40000|7|N
AUDI|Q5|2008|2099|VP|52000|5|N
SEAT|IBIZA|1993|2099|VP|17000|12|N
SEAT|LEON|1999|2099|VP|24000|10|N
SEAT|ATECA|2016|2099|VP|28000|5|N
SEAT|ARONA|2017|2099|VP|21000|6|N
SKODA|FABIA|2000|2099|VP|17000|10|N
SKODA|OCTAVIA|1998|2099|VP|27000|10|N
SKODA|SUPERB|2002|2099|VP|38000|2|N
SKODA|KODIAQ|2016|2099|VP|38000|4|N
SKODA|KAROQ|2017|2099|VP|30000|5|N
TOYOTA|YARIS|1999|2099|VP|19000|10|H
TOYOTA|AYGO|2005|2022|VP|11000|4|N
TOYOTA|AURIS|2007|2019|VP|22000|4|H
TOYOTA|COROLLA|2019|2099|VP|28000|4|H
TOYOTA|C-HR|2016|2099|VP|30000|4|H
TOYOTA|RAV4|1994|2099|VP|38000|3|H
MINI|MINI ONE|2001|2099|VP|20000|3|N
MINI|MINI COOPER|2001|2099|VP|25000|6|N
MINI|MINI COUNTRYMAN|2010|2099|VP|32000|3|N
AUSTIN|MINI|1959|2000|VP|9000|3|N
FORD|FIESTA|1989|2023|VP|15000|8|N
FORD|FOCUS|1998|2099|VP|22000|6|N
FORD|KUGA|2008|2099|VP|31000|3|N
OPEL|CORSA|1998|2099|VP|16000|6|N
OPEL|ASTRA|1998|2099|VP|23000|5|N
NISSAN|MICRA|1998|2023|VP|14000|3|N
NISSAN|QASHQAI|2007|2099|VP|28000|5|N
FIAT|PANDA|1986|2099|VP|12000|4|N
FIAT|500|2007|2099|VP|15000|5|N
BMW|SERIE 1|2004|2099|VP|30000|3|N
"""


@dataclass(frozen=True, slots=True)
class _Model:
    brand: str
    model: str
    first: int
    last: int
    genre: str
    price: int
    weight: float
    kind: str
    code: str  # three VIN characters


_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def _catalog() -> tuple[_Model, ...]:
    rows = []
    for index, line in enumerate(_CATALOG_TEXT.strip().splitlines()):
        brand, model, first, last, genre, price, weight, kind = line.split("|")
        code = "".join(_VIN_CHARS[(index * 7 + k * 13) % len(_VIN_CHARS)] for k in range(3))
        rows.append(
            _Model(
                brand, model, int(first), int(last), genre, int(price), float(weight), kind, code
            )
        )
    return tuple(rows)


_MODELS = _catalog()

_WMI = {
    "RENAULT": "VF1", "DACIA": "UU1", "PEUGEOT": "VF3", "CITROEN": "VF7", "VOLKSWAGEN": "WVW",
    "AUDI": "WAU", "SEAT": "VSS", "SKODA": "TMB", "TOYOTA": "VNK", "MINI": "WMW", "FORD": "WF0",
    "OPEL": "W0L", "NISSAN": "SJN", "FIAT": "ZFA", "BMW": "WBA", "AUSTIN": "SAX",
}  # fmt: skip

_ENGINES = {
    "RENAULT": {
        "ESSENCE": ("1.2 16V 75", "TCE 90", "TCE 100", "TCE 130", "SCE 65"),
        "DIESEL": ("1.5 DCI 85", "1.5 DCI 90", "DCI 110", "BLUE DCI 115", "DCI 130"),
    },
    "DACIA": {"ESSENCE": ("SCE 75", "TCE 90", "TCE 100"), "DIESEL": ("DCI 90", "BLUE DCI 95")},
    "PEUGEOT": {
        "ESSENCE": ("1.4 75", "PURETECH 82", "PURETECH 110", "PURETECH 130"),
        "DIESEL": ("1.6 HDI 90", "BLUEHDI 100", "BLUEHDI 130", "2.0 HDI 150"),
    },
    "CITROEN": {
        "ESSENCE": ("1.4 75", "PURETECH 82", "PURETECH 110"),
        "DIESEL": ("1.6 HDI 90", "BLUEHDI 100", "BLUEHDI 120"),
    },
    "VOLKSWAGEN": {
        "ESSENCE": ("1.2 TSI 90", "1.0 TSI 110", "1.5 TSI 150"),
        "DIESEL": ("1.6 TDI 105", "2.0 TDI 115", "2.0 TDI 150"),
    },
    "AUDI": {"ESSENCE": ("30 TFSI 110", "35 TFSI 150"), "DIESEL": ("30 TDI 116", "35 TDI 150")},
    "SEAT": {"ESSENCE": ("1.0 TSI 95", "1.5 TSI 150"), "DIESEL": ("1.6 TDI 105", "2.0 TDI 115")},
    "SKODA": {"ESSENCE": ("1.0 TSI 110", "1.5 TSI 150"), "DIESEL": ("1.6 TDI 115", "2.0 TDI 150")},
}
_HYBRID_ENGINES = {
    "HYBRIDE": {
        "RENAULT": ("E-TECH 140", "E-TECH 145"), "DACIA": ("HYBRID 140",),
        "PEUGEOT": ("HYBRID 136",), "CITROEN": ("HYBRID 136",), "VOLKSWAGEN": ("1.5 ETSI 150",),
        "AUDI": ("35 TFSI MHEV 150",), "SEAT": ("1.5 ETSI 150",), "SKODA": ("1.5 TSI MHEV 150",),
        "TOYOTA": ("HYBRIDE 100H", "HYBRIDE 116H", "HYBRIDE 140H"), "": ("HYBRID",),
    },
    "HYBRIDE RECHARGEABLE": {
        "RENAULT": ("E-TECH PLUG-IN 160",), "PEUGEOT": ("HYBRID 225 E-EAT8",),
        "CITROEN": ("HYBRID 225 E-EAT8",), "VOLKSWAGEN": ("1.4 EHYBRID 204",),
        "AUDI": ("40 TFSIE 204",), "SEAT": ("1.4 EHYBRID 204",), "SKODA": ("1.4 TSI IV 204",),
        "TOYOTA": ("PLUG-IN 306H",), "": ("PHEV",),
    },
}  # fmt: skip
_DEFAULT_ENGINES = {"ESSENCE": ("1.2", "1.4", "1.6"), "DIESEL": ("1.5 D", "1.6 D", "2.0 D")}
_ELECTRIC_ENGINES = {"ZOE": ("R90", "R110", "R135"), "TWIZY": ("45", "80"), "SPRING": ("45", "65")}
_TRIMS = {
    "RENAULT": ("AUTHENTIQUE", "EXPRESSION", "DYNAMIQUE", "ZEN", "INTENS", "LIFE", "BUSINESS",
                "LIMITED", "TECHNO", "EVOLUTION"),
    "DACIA": ("ACCESS", "ESSENTIAL", "CONFORT", "PRESTIGE", "STEPWAY", "EXPRESSION"),
    "PEUGEOT": ("ACCESS", "ACTIVE", "ALLURE", "GT LINE", "STYLE", "BUSINESS"),
    "CITROEN": ("ATTRACTION", "CONFORT", "FEEL", "SHINE", "EXCLUSIVE", "LIVE"),
    "VOLKSWAGEN": ("TRENDLINE", "CONFORTLINE", "CARAT", "LIFE", "STYLE", "R-LINE"),
    "AUDI": ("ATTRACTION", "AMBIENTE", "BUSINESS LINE", "DESIGN", "S LINE"),
    "SEAT": ("REFERENCE", "STYLE", "FR", "XCELLENCE", "COPA"),
    "SKODA": ("ACTIVE", "AMBITION", "STYLE", "BUSINESS", "SPORTLINE"),
    "TOYOTA": ("FRANCE", "DYNAMIC", "DESIGN", "COLLECTION"),
}  # fmt: skip
_DEFAULT_TRIMS = ("BUSINESS", "CONFORT", "SPORT", "PREMIUM")

_MANUFACTURER_WARRANTY_YEARS = {"DACIA": 3, "TOYOTA": 3}  # others: 2 years
_ANNUAL_KM = {"DIESEL": 17000, "ESSENCE": 10000, "HYBRIDE": 12000, "HYBRIDE RECHARGEABLE": 13000,
              "ELECTRIQUE": 9000, "GPL": 14000}  # fmt: skip

_MALE = (
    "Jean Pierre Michel Philippe Alain Patrick Nicolas Christophe Christian Daniel Bernard "
    "Éric Frédéric Laurent Stéphane David Julien Thierry Olivier Sébastien Pascal Thomas Gérard "
    "Jacques Didier Dominique Vincent François Bruno Guillaume Maxime Alexandre Romain Antoine "
    "Mathieu Yves Serge Franck Jérôme Cédric Anthony Kévin Hugo Lucas Théo Benoît Claude Marcel "
    "Jean-Pierre Jean-Claude Jean-Luc Jean-François Jean-Marc Loïc Mickaël Fabrice Joël Rémi "
    "René Hervé Gilles Arnaud Mohamed Karim"
).split()
_FEMALE = (
    "Marie Nathalie Isabelle Sylvie Catherine Martine Christine Françoise Valérie Sandrine "
    "Stéphanie Véronique Sophie Céline Chantal Patricia Anne Brigitte Julie Monique Aurélie "
    "Nicole Laurence Émilie Annie Caroline Corinne Camille Laure Hélène Virginie Audrey Claire "
    "Élodie Mélanie Delphine Agnès Pauline Manon Léa Chloé Sarah Emma Jacqueline Danielle "
    "Michèle Josiane Marie-Christine Marie-Thérèse Anne-Marie Béatrice Florence Karine Nadia "
    "Fatima Océane Amandine Jeanne Lucie Odile Ghislaine"
).split()
_SURNAMES = (
    "MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND DUBOIS MOREAU LAURENT SIMON MICHEL "
    "LEFEBVRE LEROY ROUX DAVID BERTRAND MOREL FOURNIER GIRARD BONNET DUPONT LAMBERT FONTAINE "
    "ROUSSEAU VINCENT MULLER LEFÈVRE FAURE ANDRÉ MERCIER BLANC GUÉRIN BOYER GARNIER CHEVALIER "
    "FRANÇOIS LEGRAND GAUTHIER GARCIA PERRIN ROBIN CLÉMENT MORIN NICOLAS HENRY ROUSSEL MATHIEU "
    "GAUTIER MASSON MARCHAND DUVAL DENIS DUMONT MARIE LEMAIRE NOËL MEYER DUFOUR MEUNIER BRUN "
    "BLANCHARD GIRAUD JOLY RIVIÈRE LUCAS BRUNET GAILLARD BARBIER ARNAUD MARTINEZ GÉRARD ROCHE "
    "RENARD SCHMITT ROY LEROUX COLIN VIDAL CARON PICARD ROGER FABRE AUBERT LEMOINE RENAUD DUMAS "
    "LACROIX OLIVIER PHILIPPE BOURGEOIS PIERRE BENOÎT REY LECLERC ROLLAND GUILLAUME LECOMTE "
    "LOPEZ DUPUY GUILLOT HUBERT BERGER CARPENTIER SANCHEZ DUPUIS MOULIN LOUIS DESCHAMPS HUET "
    "VASSEUR PEREZ BOUCHER FLEURY ROYER KLEIN JACQUET ADAM PARIS POIRIER MARTY AUBRY GUYOT "
    "CARRÉ CHARLES CHARPENTIER MÉNARD MAILLARD BARON BERTIN BAILLY HERVÉ SCHNEIDER FERNANDEZ "
    "COLLET LÉGER BOUVIER JULIEN PRÉVOST MILLET PERROT DANIEL COUSIN GERMAIN BRETON BESSON "
    "LANGLOIS RÉMY PELLETIER LÉVÊQUE PERRIER LEBLANC BARRÉ LEBRUN MARCHAL WEBER MALLET HAMON "
    "BOULANGER JACOB MONNIER MICHAUD RODRIGUEZ GUICHARD GILLET ÉTIENNE POULAIN TESSIER CHAUVIN "
    "BOUCHET GAY LEMAÎTRE MARÉCHAL HUMBERT REYNAUD ANTOINE PERRET BARTHÉLEMY CORDIER PICHON "
    "LEJEUNE GILBERT LAMY DELAUNAY PASQUIER CARLIER LAPORTE BENALI DIALLO NGUYEN TRAORÉ"
).split() + ["LE GALL", "LE GOFF", "LE ROUX", "DA SILVA", "DE OLIVEIRA", "DOS SANTOS"]
_STREETS = (
    "rue Victor Hugo|rue de la République|avenue Jean Jaurès|rue du Général de Gaulle|"
    "rue Pasteur|rue des Écoles|rue de la Gare|chemin du Moulin|place de l'Église|"
    "allée des Tilleuls|rue Nationale|route de Paris|rue du Château|chemin des Vignes|"
    "quai de la Loire|rue Voltaire|rue Émile Zola|boulevard Gambetta|rue Jules Ferry|"
    "rue Anatole France|avenue de Verdun|rue du 8 Mai 1945|allée des Acacias|rue des Peupliers|"
    "rue Saint-Martin|boulevard Aristide Briand|impasse Marcel Pagnol|rue des Lilas|"
    "rue de la Fontaine|rue des Vignerons|avenue de la Libération|rue Jean Moulin|"
    "rue Paul Bert|rue de Bourgogne|rue des Rosiers|route de Chambord|rue du Stade|"
    "rue des Jardins|rue de la Paix|impasse des Mésanges|rue du Bourg|rue des Alouettes"
).split("|")
_CH_STREETS = ("Avenue de la Gare", "Rue du Simplon", "Chemin des Vignes", "Route de Genève",
               "Avenue de Cour", "Rue de Lausanne", "Chemin du Bois-Gentil", "Rue de Carouge",
               "Avenue Wendt", "Route de Chancy", "Rue du Lac", "Chemin de la Colline")  # fmt: skip
_CA_STREETS = ("rue Saint-Denis", "boulevard Saint-Laurent", "avenue du Mont-Royal Est",
               "rue Sherbrooke Ouest", "chemin de la Côte-des-Neiges", "boulevard des Laurentides",
               "rue Notre-Dame Est", "avenue Papineau", "boulevard Taschereau", "rue Principale",
               "chemin Sainte-Foy", "rue Jean-Talon Est")  # fmt: skip
_COMPLEMENTS = ("Bâtiment B", "Résidence Les Tilleuls", "Appartement 12", "Escalier 3",
                "Résidence du Parc", "Bât. A, 2e étage", "Chez M. et Mme Petit", "Le Clos Fleuri")  # fmt: skip
_LIEUX_DITS = ("Lieu-dit La Cour", "Lieu-dit Les Bordes", "La Métairie", "Hameau de Beauregard")
_ACTIVITIES = (
    "TRANSPORTS", "PLOMBERIE", "ÉLECTRICITÉ", "BOULANGERIE", "MENUISERIE", "AMBULANCES",
    "PAYSAGES", "MAÇONNERIE", "TAXI", "COUVERTURE", "PEINTURE", "CABINET INFIRMIER",
    "TERRASSEMENT", "CHAUFFAGE", "PHARMACIE", "VITICULTURE", "NETTOYAGE", "SERRURERIE",
)  # fmt: skip
_LEGAL_FORMS = ("SARL", "SAS", "EURL", "SASU", "SCI", "EARL", "")
_EMAIL_DOMAINS = ("example.com", "example.net", "example.org")

# Leasing and fleet companies (is_company, is_fleet), then dealers buying trade-ins.
_LEASERS = (
    ("ARVAL", "22 rue des Deux Gares", "92500", "Rueil-Malmaison", 30),
    ("DIAC LOCATION", "14 avenue du Pavé Neuf", "93160", "Noisy-le-Grand", 20),
    ("ALD AUTOMOTIVE", "1 rue Eugène et Armand Peugeot", "92500", "Rueil-Malmaison", 18),
    ("LEASYS FRANCE", "6 rue Nicolas Copernic", "78190", "Trappes", 8),
    ("ALPHABET FRANCE", "5 rue des Bateliers", "92100", "Boulogne-Billancourt", 8),
    ("ATHLON", "12 boulevard de Pesaro", "92000", "Nanterre", 6),
    ("FREE2MOVE LEASE", "45 rue Jean-Pierre Timbaud", "78300", "Poissy", 5),
    ("LEASEPLAN FRANCE", "9 avenue de Paris", "92500", "Rueil-Malmaison", 5),
)
_TRADERS = (
    ("SAS CENTRE NÉGOCE AUTO", "ZA des Gailletrous", "41260", "La Chaussée-Saint-Victor"),
    ("SARL VO EXPORT TOURAINE", "8 rue de la Milletière", "37100", "Tours"),
)
#: The order special companies appear in as the database grows (L: leaser, T: trader).
_SPECIAL_ORDER = ("L0", "L1", "T0", "L2", "L3", "L4", "T1", "L5", "L6", "L7")

_CAPTIVE = {"RENAULT": "DIAC", "DACIA": "DIAC", "PEUGEOT": "STELLANTIS FINANCIAL SERVICES",
            "CITROEN": "STELLANTIS FINANCIAL SERVICES", "VOLKSWAGEN": "VOLKSWAGEN BANK",
            "AUDI": "VOLKSWAGEN BANK", "SEAT": "VOLKSWAGEN BANK", "SKODA": "VOLKSWAGEN BANK"}  # fmt: skip
_BANKS = ("CRÉDIT AGRICOLE", "BNP PARIBAS PERSONAL FINANCE", "CETELEM", "SOFINCO", "FRANFINANCE",
          "CRÉDIT MUTUEL", "LCL")  # fmt: skip
_SUBPRIME = ("COFIDIS", "ONEY BANK", "FLOA BANK", "FRANFINANCE")
_MOBILITY = {"RENAULT": "Renault Assistance", "DACIA": "Dacia Assistance",
             "PEUGEOT": "Peugeot Assistance", "CITROEN": "Citroën Assistance",
             "VOLKSWAGEN": "Garantie Mobilité Volkswagen", "AUDI": "Audi Mobilité",
             "SEAT": "SEAT Mobilité", "SKODA": "Škoda Mobilité"}  # fmt: skip

_AGENTS = ("Sophie Marchal", "Kevin Dubreuil", "Inès Haddad", "Lucie Vallet")
_OPTOUT_SOURCES = {
    "post": ("Courrier du client", "Appel du client", "Formulaire atelier", "Import DMS"),
    "phone_home": ("Appel du client", "Bloctel", "Formulaire atelier", "Import DMS"),
    "phone_work": ("Appel du client", "Formulaire atelier", "Import DMS"),
    "phone_mobile": ("Appel du client", "Bloctel", "Formulaire atelier", "Import DMS"),
    "sms": ("STOP SMS", "STOP SMS", "Appel du client", "Formulaire atelier"),
    "fax": ("Courrier du client", "Import DMS"),
    "email": ("Lien de désinscription", "Lien de désinscription", "Appel du client",
              "Formulaire atelier"),
}  # fmt: skip
#: Share of customers refusing each channel (the CNIL flags).
_OPTOUT_RATES = {"post": 0.03, "phone_home": 0.07, "phone_work": 0.04, "phone_mobile": 0.06,
                 "sms": 0.09, "fax": 0.02, "email": 0.11}  # fmt: skip
_CONSENT_SOURCES = ("Bon de commande VN", "Bon de commande VO", "Formulaire atelier", "Site web",
                    "Appel BDC", "Jeu concours")  # fmt: skip
_INTEREST_SOURCES = ("Achat véhicule", "Facture atelier")
#: Refusal sources a person recorded (the event names who).
_TYPED_SOURCES = ("Appel du client", "Courrier du client", "Formulaire atelier")
#: CASL implied consent: months it lasts (as app.models.permissions.IMPLIED_MONTHS).
_IMPLIED_MONTHS = {"implied_purchase": 24, "implied_inquiry": 6}
#: The customer's numbers a refusal of a phone channel lists (SMS: those that are mobiles).
_SUPPRESSED_FIELDS = {
    "sms": ("phone_mobile", "phone_home", "phone_work"),
    "phone_mobile": ("phone_mobile",),
    "phone_home": ("phone_home",),
    "phone_work": ("phone_work",),
    "fax": ("fax",),
}
_NOON = dt.time(12, 0)


def _is_mobile(number: str) -> bool:
    """Whether an E.164 number of this generator can receive an SMS (as phonenumbers says:
    French 06/07, Swiss 07x, every North American number)."""
    if number.startswith("+33"):
        return number[3] in "67"
    if number.startswith("+41"):
        return number[3] == "7"
    return number.startswith("+1")


# -- small helpers --------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """*day* plus *months* calendar months, the day clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if day.day <= 28:
        return dt.date(year, month, day.day)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def inspection_due(first_registration: dt.date, after: dt.date) -> dt.date:
    """The first CT due date on or after *after*: MEC + 4 years, then every 2 years."""
    first = add_months(first_registration, 48)
    if first >= after:
        return first
    periods = max(0, ((after.year - first.year) * 12 + after.month - first.month) // 24)
    due = add_months(first, 24 * periods)
    while due < after:
        periods += 1
        due = add_months(first, 24 * periods)
    return due


class _Picker:
    """Weighted choice with precomputed cumulative weights (``random.choices`` per call is slow)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items: Sequence, weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cum = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.total = total

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _ri(rng: random.Random, low: int, high: int) -> int:
    """``rng.randint`` in one step (the standard one costs three Python calls)."""
    return low + int(rng.random() * (high - low + 1))


def _below(rng: random.Random, n: int) -> int:
    return int(rng.random() * n)


def _pick(rng: random.Random, items: Sequence):
    return items[int(rng.random() * len(items))]


def _phone(rng: random.Random, digits: str, country: str = "FR") -> str:
    """A 10-digit national number written as people type it in a DMS."""
    r = rng.random()
    d = digits
    if country == "CA":
        if r < 0.6:
            return f"{d[0:3]} {d[3:6]}-{d[6:10]}"
        if r < 0.85:
            return f"({d[0:3]}) {d[3:6]}-{d[6:10]}"
        return f"+1 {d[0:3]} {d[3:6]} {d[6:10]}"
    if country == "CH":
        if r < 0.75:
            return f"{d[0:3]} {d[3:6]} {d[6:8]} {d[8:10]}"
        return f"+41 {d[1:3]} {d[3:6]} {d[6:8]} {d[8:10]}"
    if r < 0.70:
        return f"{d[0:2]} {d[2:4]} {d[4:6]} {d[6:8]} {d[8:10]}"
    if r < 0.90:
        return d
    if r < 0.97:
        return f"{d[0:2]}.{d[2:4]}.{d[4:6]}.{d[6:8]}.{d[8:10]}"
    return f"+33 {d[1]} {d[2:4]} {d[4:6]} {d[6:8]} {d[8:10]}"


def e164(raw: str | None, country: str = "FR") -> str:
    """The E.164 form of a number this generator wrote for *country* (empty for ``None``).

    Exactly what :func:`app.models.permissions.normalise_phone` gives for these numbers
    (the tests check it), without parsing them: the fast path lists thousands of them.
    """
    if not raw:
        return ""
    digits = "".join(c for c in raw if c.isdigit())
    code = _CALLING_CODES[country]
    if raw.startswith("+"):
        return "+" + digits
    return f"+{code}{digits}" if country == "CA" else f"+{code}{digits[1:]}"


_CALLING_CODES = {"FR": "33", "CH": "41", "CA": "1"}


#: :func:`fold` for values that repeat (names, cities, models): computed once each.
_fold_cached = functools.lru_cache(maxsize=8192)(fold)


_MOBILE_PREFIXES = {
    "FR": tuple([f"06{d}" for d in "0124578"] + [f"07{d}" for d in "5678"]),
    "CH": ("076", "077", "078", "079"),
    "CA": ("514", "438", "450", "579"),
}


def _random_number(rng: random.Random, prefix: str) -> str:
    if len(prefix) == 3 and not prefix.startswith("0"):  # NANP: the exchange starts 2-9
        return prefix + str(_ri(rng, 2, 9)) + f"{_below(rng, 1_000_000):06d}"
    width = 10 - len(prefix)
    return prefix + f"{_below(rng, 10**width):0{width}d}"


def _mobile(rng: random.Random, country: str = "FR") -> str:
    prefix = _pick(rng, _MOBILE_PREFIXES[country])
    return _phone(rng, _random_number(rng, prefix), country)


def _landline(rng: random.Random, commune: Commune) -> str:
    prefix = _pick(rng, commune.phone_prefixes)
    return _phone(rng, _random_number(rng, prefix), commune.country)


def _ascii(text: str) -> str:
    return "".join(c for c in (fold(text) or "") if c.isalnum() or c in ".-").lower()


def _weekday(day: dt.date) -> dt.date:
    """Workshops and showrooms are closed on Sundays: the Saturday before."""
    return day - _DAY if day.weekday() == 6 else day


_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"
#: Letter pairs of SIV plates, in issue order (SS and WW are not issued).
_PLATE_PAIRS = tuple(
    a + b for a in _PLATE_LETTERS for b in _PLATE_LETTERS if a + b not in ("SS", "WW")
)


def _plate_pair(index: int) -> str:
    return _PLATE_PAIRS[index % len(_PLATE_PAIRS)]


_SIV_START = dt.date(2009, 4, 15)
#: The Prime Minister's circular of 21 February 2012 dropped "Mademoiselle" from forms.
_NO_MORE_MLLE = dt.date(2012, 2, 21)
_PLATES_PER_DAY = 16_600  # about 11.5 letter pairs (AA, AB...) a year, as observed


# -- the generator --------------------------------------------------------------------------------


class _Cust:
    """What the generator needs to know about a customer while building its rows."""

    __slots__ = (
        "id", "kind", "site", "commune", "loyalty", "lapse", "first_seen", "has_mobile",
        "has_landline", "has_work", "has_email", "optouts", "basis", "basis_date", "row", "vehicles",
        "basis_end", "unknown_since", "forced",
    )  # fmt: skip

    def __init__(self, cid: int, kind: str, site: int, commune: Commune) -> None:
        self.id = cid
        self.kind = kind  # person, company, leaser, trader
        self.site = site
        self.commune = commune
        self.loyalty = "rare"
        self.lapse: dt.date | None = None
        self.first_seen: dt.date | None = None
        self.has_mobile = self.has_landline = self.has_work = self.has_email = False
        self.optouts: dict[str, dt.date] = {}
        self.basis = "none"
        self.basis_date = dt.date.max
        #: When an implied consent (CASL) lapses; None: the basis does not lapse.
        self.basis_end: dt.date | None = None
        #: Since when letters come back (Customer.unknown_address).
        self.unknown_since: dt.date | None = None
        #: Refusals decided in advance (channel → refused or not), for the shared-number cases.
        self.forced: dict[str, bool] = {}
        self.row: dict = {}
        self.vehicles: list[_Veh] = []

    def seen(self, day: dt.date) -> None:
        if self.first_seen is None or day < self.first_seen:
            self.first_seen = day


class _Veh:
    __slots__ = (
        "id", "site", "model", "energy", "version", "mec", "model_year", "annual_km", "owners",
        "status", "is_demo", "sale", "services", "last_invoice", "vin", "plate", "ext_warranty",
        "mobility_product", "order_date", "gone", "status_date", "driver",
    )  # fmt: skip

    def __init__(self, vid: int, site: int, model: _Model, mec: dt.date) -> None:
        self.id = vid
        self.site = site
        self.model = model
        self.mec = mec
        self.energy = ""
        self.version = ""
        self.model_year = mec.year
        self.annual_km = 12000
        #: [customer, start, end or None], in date order; the last one is open.
        self.owners: list[list] = []
        self.status = "in_use"
        self.is_demo = False
        self.sale: dict | None = None
        #: (date, customer) of every service invoice.
        self.services: list[tuple[dt.date, _Cust]] = []
        self.last_invoice: tuple[dt.date, int] | None = None
        self.vin = ""
        self.plate = ""
        self.ext_warranty: dt.date | None = None
        self.mobility_product: dt.date | None = None
        self.order_date: dt.date | None = None
        #: When a vehicle still linked to its owner left the road (sold privately, scrapped).
        self.gone: dt.date | None = None
        self.status_date: dt.date | None = None
        #: (civility, last name, first name) of the driver of a leased car.
        self.driver: tuple[str, str, str] | None = None

    def km(self, day: dt.date) -> int:
        return max(5, int(self.annual_km * (day - self.mec).days / 365.25))


def _commune_share(commune: Commune, site: int) -> float:
    """How much *site*'s customers come from *commune*: its own area, the group's other areas in
    the same country a little, far-away French towns a little for French sites."""
    country = _SITES[site].country
    if commune.country != country:
        return 0.0
    if commune.site == site:
        return 1.0
    if commune.site is None:
        return 0.06
    return 0.05


def _same_country_sites(site: int) -> list[int]:
    return [i for i, s in enumerate(_SITES) if s.country == _SITES[site].country]


class _Generator:
    def __init__(self, customers: int, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.total = customers
        self.today = today
        self.horizon = add_months(today, -120)  # ten years of workshop history
        self.contact_start = add_months(today, -60)  # the contact log goes back five years
        self.ids = {name: 0 for name in ("customer", "vehicle", "ownership", "invoice", "line",
                                         "sale", "product", "contact", "event")}  # fmt: skip
        self.plates: set[str] = set()
        self.vins: set[str] = set()
        #: Addresses given so far: two people with the same name get two addresses, as a mail
        #: provider would (jean.martin, jean.martin7), so only the planted duplicates share one.
        self.emails: set[str] = set()
        self.invoice_seq: dict[tuple[int, int, int], int] = {}
        self.order_seq: dict[tuple[int, int], int] = {}
        #: The suppression lists: (kind, value, channel) → entry row (the newest refusal wins).
        self.suppressions: dict[tuple[str, str, str], dict] = {}
        self.leasers: list[_Cust] = []
        self.traders: list[_Cust] = []
        self.commune_pick = {
            site: _Picker(COMMUNES, [c.weight * _commune_share(c, site) for c in COMMUNES])
            for site in range(len(_SITES))
        }
        self.site_pick = _Picker(range(len(_SITES)), [s.weight for s in _SITES])
        french = [i for i, s in enumerate(_SITES) if s.country == "FR"]
        self.french_site_pick = _Picker(french, [_SITES[i].weight for i in french])
        self.model_cache: dict[tuple[tuple[str, ...], int, bool], _Picker] = {}
        self.male = _Picker(_MALE, [1.0] * len(_MALE))
        self.female = _Picker(_FEMALE, [1.0] * len(_FEMALE))
        self.surname = _Picker(_SURNAMES, [1.0 / (1 + i / 12) for i in range(len(_SURNAMES))])
        self.rows: dict[str, list[dict]] = {}
        self.since_duplicate = 0

    # ids --------------------------------------------------------------------------------------

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def rand_date(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return start + dt.timedelta(days=_below(self.rng, (end - start).days + 1))

    # customers --------------------------------------------------------------------------------

    def special_companies(self, count: int) -> list[_Cust]:
        made = []
        for tag in _SPECIAL_ORDER[:count]:
            index = int(tag[1])
            if tag[0] == "L":
                name, street, code, city, _ = _LEASERS[index]
            else:
                name, street, code, city = _TRADERS[index]
            commune = next(c for c in COMMUNES if c.postal_code == code and c.city == city)
            site = commune.site if commune.site is not None else 0
            kind = "leaser" if tag[0] == "L" else "trader"
            cust = _Cust(self.next_id("customer"), kind, site, commune)
            cust.loyalty = "fleet"
            cust.has_landline = True
            cust.has_email = True
            cust.row = {
                "is_company": True,
                "is_fleet": tag[0] == "L",
                "civility": None,
                "last_name": None,
                "first_name": None,
                "company_name": name,
                "address1": street.upper(),
                "postal_code": code,
                "city": city.upper(),
                "phone_home": None,
                "phone_mobile": None,
                "phone_work": _landline(self.rng, commune),
                "fax": _landline(self.rng, commune) if tag[0] == "L" else None,
                "email": f"{'flotte' if tag[0] == 'L' else 'achats'}@{_ascii(name)}.example.com",
                "preferred_channel": "email",
            }
            cust.basis = "legitimate_interest"
            made.append(cust)
            (self.leasers if tag[0] == "L" else self.traders).append(cust)
        weights = [next(w for n, *_, w in _LEASERS if n == c.row["company_name"])
                   for c in self.leasers]  # fmt: skip
        self.leaser_pick = _Picker(self.leasers, weights) if self.leasers else None
        return made

    def address(self, commune: Commune) -> tuple[str, str | None, str | None]:
        rng = self.rng
        if commune.country == "CH":  # the number after the street
            street = f"{_pick(rng, _CH_STREETS)} {_ri(rng, 1, 90)}"
            line2 = f"Case postale {_ri(rng, 10, 999)}" if rng.random() < 0.05 else None
            return street, line2, None
        if commune.country == "CA":
            comma = "," if rng.random() < 0.6 else ""
            street = f"{_ri(rng, 100, 9999)}{comma} {_pick(rng, _CA_STREETS)}"
            line2 = f"app. {_ri(rng, 1, 40)}" if rng.random() < 0.2 else None
            return street, line2, None
        number = _ri(rng, 1, 120)
        suffix = " bis" if rng.random() < 0.04 else " ter" if rng.random() < 0.01 else ""
        street = f"{number}{suffix} {_pick(rng, _STREETS)}"
        street = street.upper() if rng.random() < 0.6 else street
        line2 = _pick(rng, _COMPLEMENTS) if rng.random() < 0.12 else None
        line3 = _pick(rng, _LIEUX_DITS) if rng.random() < 0.04 else None
        return street, line2, line3

    def person(self) -> _Cust:
        rng = self.rng
        site = self.site_pick(rng)
        commune = self.commune_pick[site](rng)
        cust = _Cust(self.next_id("customer"), "person", site, commune)
        female = rng.random() < 0.47
        first = self.female(rng) if female else self.male(rng)
        last = self.surname(rng)
        r = rng.random()
        civility = ("Mme" if female else "M.") if r < 0.96 else "M. et Mme"
        if r < 0.96 and female and rng.random() < 0.15:
            civility = "Mlle"  # kept only on records made before 2012 (see finish_customer)
        if rng.random() < 0.15:
            last = last.title()
        if rng.random() < 0.05:
            first = first.upper()
        street, line2, line3 = self.address(commune)
        has_landline = rng.random() < 0.38
        has_mobile = rng.random() < (0.62 if has_landline else 0.86)
        has_email = rng.random() < 0.62
        email = None
        if has_email:
            local = _pick(rng, (f"{_ascii(first)}.{_ascii(last)}", f"{_ascii(first)[0]}{_ascii(last)}",
                                f"{_ascii(last)}.{_ascii(first)}",
                                f"{_ascii(first)}{_ri(rng, 1, 99)}"))  # fmt: skip
            local, domain = local.replace(" ", ""), _pick(rng, _EMAIL_DOMAINS)
            email = f"{local}@{domain}"
            while email in self.emails:
                email = f"{local}{_ri(rng, 2, 999)}@{domain}"
            self.emails.add(email)
        cust.has_landline, cust.has_mobile, cust.has_email = has_landline, has_mobile, has_email
        cust.has_work = rng.random() < 0.07
        country = commune.country
        birth = None
        if rng.random() < 0.55:
            birth = self.today - dt.timedelta(days=_ri(rng, 19 * 365, 88 * 365))
        cust.row = {
            "is_company": False,
            "is_fleet": False,
            "civility": civility,
            "last_name": last,
            "first_name": first,
            "company_name": None,
            "address1": street,
            "address2": line2,
            "address3": line3,
            "postal_code": commune.postal_code,
            "city": commune.city.upper() if rng.random() < 0.7 else commune.city,
            "phone_home": _landline(rng, commune) if has_landline else None,
            "phone_mobile": _mobile(rng, country) if has_mobile else None,
            "phone_work": _landline(rng, commune) if cust.has_work else None,
            "fax": _landline(rng, commune) if rng.random() < 0.01 else None,
            "email": email,
            "birth_date": birth,
            "language": "en" if rng.random() < (0.3 if country == "CA" else 0.005) else "fr",
            "country": country,
        }
        cust.loyalty = self.loyalty_pick(rng)
        if cust.loyalty == "lapsed":
            cust.lapse = self.rand_date(add_months(self.today, -84), add_months(self.today, -13))
        return cust

    loyalty_pick = _Picker(("loyal", "occasional", "lapsed", "rare"), (0.22, 0.30, 0.26, 0.22))

    def company(self) -> _Cust:
        rng = self.rng
        site = self.site_pick(rng)
        commune = self.commune_pick[site](rng)
        cust = _Cust(self.next_id("customer"), "company", site, commune)
        activity = _pick(rng, _ACTIVITIES)
        name = " ".join(p for p in (_pick(rng, _LEGAL_FORMS), activity, self.surname(rng)) if p)
        street, line2, _ = self.address(commune)
        cust.has_landline = True
        cust.has_mobile = rng.random() < 0.5
        cust.has_email = rng.random() < 0.7
        cust.row = {
            "is_company": True,
            "is_fleet": False,
            "civility": None,
            "last_name": None,
            "first_name": None,
            "company_name": name,
            "address1": street.upper(),
            "address2": line2,
            "address3": f"BP {_ri(rng, 10, 990)}" if rng.random() < 0.1 else None,
            "postal_code": commune.postal_code,
            "city": commune.city.upper(),
            "phone_home": None,
            "phone_mobile": _mobile(rng, commune.country) if cust.has_mobile else None,
            "phone_work": _landline(rng, commune),
            "fax": _landline(rng, commune) if rng.random() < 0.2 else None,
            "email": (
                f"{_pick(rng, ('contact', 'compta', 'gestion'))}@{_ascii(name)}.example.com"
                if cust.has_email
                else None
            ),  # fmt: skip
            "birth_date": None,
            "language": "fr",
            "country": commune.country,
        }
        cust.loyalty = _pick(rng, ("loyal", "loyal", "occasional", "lapsed"))
        if cust.loyalty == "lapsed":
            cust.lapse = self.rand_date(add_months(self.today, -84), add_months(self.today, -13))
        return cust

    def girard(self) -> list[_Cust]:
        """Claire GIRARD, entered again as GIRRARD with the same mobile; the second record
        replied STOP (docs/permissions.md's example): the number is on the SMS list."""
        rng = self.rng
        cust = self.person()
        if cust.row.get("country", "FR") != "FR":  # made in Switzerland or Quebec: French numbers
            cust.row.update(phone_home=None, phone_work=None, fax=None, phone_mobile=None)
        cust.commune = next(c for c in COMMUNES if c.postal_code == _SITES[0].postal_code)
        cust.row["postal_code"], cust.row["city"] = cust.commune.postal_code, "TOURS"
        cust.site = 0
        cust.row.update(civility="Mme", last_name="GIRARD", first_name="Claire",
                        email="claire.girard@example.net", country="FR")  # fmt: skip
        if not cust.row["phone_mobile"]:
            cust.row["phone_mobile"] = _mobile(rng)
        cust.has_mobile = cust.has_email = True
        cust.loyalty = "loyal"
        twin = self.duplicate(cust)
        twin.row.update(last_name="GIRRARD", first_name="Claire")
        twin.row["phone_mobile"] = "".join(c for c in cust.row["phone_mobile"] if c.isdigit())
        if twin.row["phone_mobile"].startswith("33"):
            twin.row["phone_mobile"] = "0" + twin.row["phone_mobile"][2:]
        twin.has_mobile = True
        cust.forced = {"sms": False, "phone_mobile": False}
        twin.forced = {"sms": True}
        return [cust, twin]

    def duplicate(self, original: _Cust) -> _Cust:
        """The same person entered again, spelt slightly differently (another site, later)."""
        rng = self.rng
        cust = _Cust(self.next_id("customer"), "person",
                     _pick(rng, _same_country_sites(original.site)), original.commune)  # fmt: skip
        row = dict(original.row)
        last, first = row["last_name"], row["first_name"]
        change = _below(rng, 5)
        if change == 0 and fold(last) != last.upper():
            last = fold(last) or last  # accents lost
        elif change == 1 and len(last) > 4:
            i = _ri(rng, 1, len(last) - 2)
            last = last[:i] + last[i] + last[i:]  # a doubled letter
        elif change == 2 and "-" in first:
            first = first.replace("-", " ")
        elif change == 3:
            first = first[0] + "."
        else:
            last = last.title() if last.isupper() else last.upper()
        row["last_name"], row["first_name"] = last, first
        street = row["address1"]
        for long, short in (("AVENUE", "AV"), ("avenue", "av."), ("BOULEVARD", "BD"), ("RUE", "R")):
            if long in street and rng.random() < 0.7:
                street = street.replace(long, short, 1)
                break
        row["address1"] = street
        if rng.random() < 0.4:
            row["email"] = None
        if row["phone_mobile"] and rng.random() < 0.5:  # the same number, typed another way
            digits = "".join(c for c in row["phone_mobile"] if c.isdigit())
            if row["country"] == "CA":
                row["phone_mobile"] = digits[-10:]
            else:
                row["phone_mobile"] = digits if digits.startswith("0") else "0" + digits[2:]
        cust.row = row
        cust.has_mobile = bool(row["phone_mobile"])
        cust.has_landline = bool(row["phone_home"])
        cust.has_email = bool(row["email"])
        cust.loyalty = "rare"
        return cust

    # vehicles ---------------------------------------------------------------------------------

    def pick_model(self, brands: tuple[str, ...], year: int, commercial: bool) -> _Model:
        key = (brands, year, commercial)
        picker = self.model_cache.get(key)
        if picker is None:
            fits = [m for m in _MODELS if m.brand in brands and m.first <= year <= m.last]
            if commercial:
                fits = [m for m in fits if m.kind == "C"] or fits
            if not fits:  # no model of these brands that year: any model of the time
                fits = [m for m in _MODELS if m.first <= year <= m.last]
            if not fits:  # before the oldest model in the catalogue
                fits = [m for m in _MODELS if m.brand in brands] or list(_MODELS)
            picker = _Picker(fits, [m.weight for m in fits])
            self.model_cache[key] = picker
        return picker(self.rng)

    def energy(self, model: _Model, year: int) -> str:
        r = self.rng.random()
        if model.kind == "E":
            return "ELECTRIQUE"
        if model.kind == "H" and year >= 2012:
            return "HYBRIDE" if r < 0.85 else "ESSENCE"
        diesel = 0.72 if year < 2013 else 0.6 if year < 2017 else 0.38 if year < 2020 else 0.15
        if model.kind == "C":
            diesel = 0.97 if year < 2020 else 0.8
        if year >= 2020 and model.kind != "C":
            if r < 0.05:
                return "ELECTRIQUE"
            if r < 0.12:
                return "HYBRIDE RECHARGEABLE"
            if r < 0.30:
                return "HYBRIDE"
        if model.brand == "DACIA" and year >= 2011 and r > 0.85:
            return "GPL"
        return "DIESEL" if self.rng.random() < diesel else "ESSENCE"

    def vehicle(self, site: int, brands: tuple[str, ...], mec: dt.date, commercial: bool,
                heavy_user: bool = False) -> _Veh:  # fmt: skip
        rng = self.rng
        model = self.pick_model(brands, mec.year, commercial)
        veh = _Veh(self.next_id("vehicle"), site, model, mec)
        veh.energy = self.energy(model, mec.year)
        if veh.energy == "ELECTRIQUE":
            engine = _pick(rng, _ELECTRIC_ENGINES.get(model.model, ("100 KW", "136 CH")))
        elif veh.energy in _HYBRID_ENGINES:
            engines = _HYBRID_ENGINES[veh.energy]
            engine = _pick(rng, engines.get(model.brand, engines[""]))
        else:
            engines = _ENGINES.get(model.brand, _DEFAULT_ENGINES)
            engine = _pick(rng, engines.get(veh.energy, engines["ESSENCE"]))
        veh.version = f"{engine} {_pick(rng, _TRIMS.get(model.brand, _DEFAULT_TRIMS))}"
        veh.model_year = mec.year + (1 if mec.month >= 9 and rng.random() < 0.5 else 0)
        km = _ANNUAL_KM[veh.energy] * rng.uniform(0.55, 1.35)
        veh.annual_km = int(km * (1.8 if heavy_user else 1.0))
        return veh

    def vin(self, veh: _Veh) -> str:
        rng = self.rng
        year = veh.model_year
        year_code = "ABCDEFGHJKLMNPRSTVWXY123456789"[(year - 1980) % 30]
        while True:
            vin = (_WMI[veh.model.brand] + veh.model.code
                   + _VIN_CHARS[int(rng.random() * 33)] + _VIN_CHARS[int(rng.random() * 33)]
                   + _VIN_CHARS[int(rng.random() * 33)] + year_code
                   + _VIN_CHARS[int(rng.random() * 33)] + f"{int(rng.random() * 1e6):06d}")  # fmt: skip
            if vin not in self.vins:
                self.vins.add(vin)
                return vin

    def plate(self, veh: _Veh, department: str, commune: Commune | None = None) -> str:
        """SIV plate (AB-123-CD, issued in sequence since 15 April 2009) or the older FNI one;
        a Swiss cantonal plate (VD 123 456), a Quebec one (ABC 123)."""
        rng = self.rng
        country = commune.country if commune is not None else "FR"
        if country != "FR":
            while True:
                if country == "CH":
                    canton = "GE" if commune is not None and commune.site == 4 else "VD"
                    plate = f"{canton} {_ri(rng, 1000, 999999)}"
                else:
                    letters = "".join(_pick(rng, _PLATE_LETTERS) for _ in range(3))
                    plate = f"{letters} {_ri(rng, 100, 999)}"
                if plate not in self.plates:
                    self.plates.add(plate)
                    return plate
        issued = veh.mec
        if issued < _SIV_START:
            later = [start for _, start, _ in veh.owners if start >= dt.date(2009, 10, 15)]
            if not later:
                while True:
                    letters = "".join(_pick(rng, _PLATE_LETTERS) for _ in range(_pick(rng, (2, 3))))
                    plate = (
                        f"{_ri(rng, 1, 9999 if len(letters) == 2 else 999)} {letters} {department}"
                    )
                    if plate not in self.plates:
                        self.plates.add(plate)
                        return plate
            issued = later[0]
        base = (issued - _SIV_START).days * _PLATES_PER_DAY
        block = 23 * 23 * 999
        attempts = 0
        while True:
            attempts += 1
            spread = _PLATES_PER_DAY * (1 if attempts < 20 else 30)
            first, rest = divmod(base + _below(rng, spread), block)
            last, number = divmod(rest, 999)
            plate = f"{_plate_pair(first)}-{number + 1:03d}-{_plate_pair(last)}"
            if plate not in self.plates:
                self.plates.add(plate)
                return plate

    # sales ------------------------------------------------------------------------------------

    def sale(self, veh: _Veh, cust: _Cust, kind: str, delivery: dt.date) -> None:
        """A new (VN) or used (VO) sale of *veh* to *cust*, delivered on *delivery*."""
        rng = self.rng
        site = _SITES[veh.site]
        order = delivery - dt.timedelta(days=_ri(rng, 3, 25) if kind == "used" else
                                        _ri(rng, 10, 150))  # fmt: skip
        veh.order_date = order
        factor = 1 + 0.025 * (delivery.year - 2020)
        new_price = veh.model.price * factor * rng.uniform(0.92, 1.25)
        if kind == "new":
            price = new_price * (0.85 if cust.kind == "leaser" else 1.0)
        else:
            age = max(0.3, (delivery - veh.mec).days / 365.25)
            price = max(2500.0, new_price * 0.86 * 0.87**age)
        price_cents = (int(price / 100) * 100 - (10 if rng.random() < 0.6 else 0)) * 100
        if cust.kind == "leaser":
            financing = "cash"
        elif kind == "new":
            financing = self.new_financing(rng)
        else:
            financing = self.used_financing(rng)
        key = (veh.site, order.year)
        seq = self.order_seq[key] = self.order_seq.get(key, 0) + 1
        row = {
            "id": self.next_id("sale"),
            "order_number": f"BC{site.code}{order.year % 100:02d}{seq:05d}",
            "kind": kind,
            "site_id": veh.site + 1,
            "customer_id": cust.id,
            "vehicle_id": veh.id,
            "order_date": order,
            "delivery_date": delivery,
            "salesperson": (
                "Ventes sociétés" if cust.kind == "leaser" else _pick(rng, site.salespeople)
            ),  # fmt: skip
            "fi_manager": None if financing == "cash" else _pick(rng, site.fi_managers),
            "price_cents": price_cents,
            "financing_type": financing,
            "lender": None,
            "rate": None,
            "term_months": None,
            "monthly_payment_cents": None,
            "financing_start": None,
            "financing_end": None,
        }
        if financing != "cash":
            self.financing(row, veh, delivery)
        self.rows["vehicle_sale"].append(row)
        veh.sale = row
        cust.seen(order)
        if cust.kind != "leaser":
            self.products(row, veh, kind, delivery)
        if rng.random() < 0.5 and delivery >= self.horizon:
            # Getting the car ready is the dealer's own cost: an internal invoice, on the
            # delivery day (not a visit of the customer's).
            self.visit(veh, cust, delivery, service=False, invoice_type="internal")

    new_financing = _Picker(("cash", "loan", "specialised_credit", "lease"), (30, 28, 6, 36))
    used_financing = _Picker(("cash", "loan", "specialised_credit", "lease"), (44, 30, 16, 10))

    def financing(self, row: dict, veh: _Veh, start: dt.date) -> None:
        rng = self.rng
        kind = row["financing_type"]
        year = start.year
        base = 2.9 if year <= 2021 else 3.9 if year == 2022 else 4.9
        price = row["price_cents"]
        if kind == "loan":
            lender = (_CAPTIVE.get(veh.model.brand) if rng.random() < 0.55 else None) or _pick(
                rng, _BANKS
            )
            rate = round(rng.uniform(base, base + 3.0), 2)
            term = _pick(rng, (24, 36, 48, 48, 60, 60, 72))
            financed = price * rng.uniform(0.6, 1.0)
            residual = 0.0
        elif kind == "specialised_credit":
            lender = _pick(rng, _SUBPRIME)
            rate = round(rng.uniform(14.0, 21.9), 2)
            term = _pick(rng, (48, 60, 72, 84))
            financed = price * rng.uniform(0.85, 1.0)
            residual = 0.0
        else:  # lease (LOA): the customer pays the depreciation plus interest, may buy at the end
            lender = _CAPTIVE.get(veh.model.brand) or _pick(rng, ("CGI FINANCE", "DIAC"))
            rate = round(rng.uniform(base + 0.5, base + 3.5), 2)
            term = _pick(rng, (25, 37, 37, 49, 49, 61))
            financed = price * rng.uniform(0.85, 1.0)
            residual = price * rng.uniform(0.40, 0.55)
        monthly_rate = rate / 1200
        growth = (1 + monthly_rate) ** term
        payment = (financed - residual / growth) * monthly_rate / (1 - 1 / growth)
        row.update(
            lender=lender,
            rate=rate,
            term_months=term,
            monthly_payment_cents=int(round(payment)),
            financing_start=start,
            financing_end=add_months(start, term),
        )

    def products(self, sale: dict, veh: _Veh, kind: str, delivery: dt.date) -> None:
        rng = self.rng
        products: list[tuple[str, str, int, dt.date | None]] = []
        if kind == "new":
            if rng.random() < 0.25:
                years = _pick(rng, (4, 5))
                end = add_months(veh.mec, 12 * years)
                products.append(
                    (
                        "extended_warranty",
                        f"Extension de garantie {years} ans",
                        _ri(rng, 390, 990),
                        end,
                    )
                )
                veh.ext_warranty = end
            if rng.random() < 0.20:
                months = _pick(rng, (36, 48))
                products.append(("maintenance_plan", f"Contrat d'entretien {months // 12} ans / {months * 1250:,} km".replace(",", " "),
                                 _ri(rng, 600, 1500), add_months(delivery, months)))  # fmt: skip
            if rng.random() < 0.15 and veh.model.brand in _MOBILITY:
                end = add_months(delivery, 36)
                products.append(
                    (
                        "mobility_guarantee",
                        f"{_MOBILITY[veh.model.brand]} 3 ans",
                        _ri(rng, 90, 250),
                        end,
                    )
                )
                veh.mobility_product = end
            if rng.random() < 0.05:
                products.append(
                    (
                        "rust_protection",
                        "Traitement anti-corrosion 5 ans",
                        _ri(rng, 250, 450),
                        add_months(delivery, 60),
                    )
                )
        else:
            if rng.random() < 0.55:
                months = _pick(rng, (12, 12, 24))
                end = add_months(delivery, months)
                products.append(
                    ("extended_warranty", f"Garantie VO {months} mois", _ri(rng, 190, 690), end)
                )
                veh.ext_warranty = end
        if sale["financing_type"] != "cash" and rng.random() < 0.25:
            products.append(
                (
                    "gap_insurance",
                    "Assurance perte financière",
                    _ri(rng, 250, 700),
                    sale["financing_end"],
                )
            )
        if rng.random() < 0.08:
            products.append(
                (
                    "tyre_protection",
                    "Pack pneumatiques 2 ans",
                    _ri(rng, 120, 300),
                    add_months(delivery, 24),
                )
            )
        for pkind, name, euros, end in products:
            self.rows["sale_product"].append({
                "id": self.next_id("product"), "sale_id": sale["id"], "kind": pkind, "name": name,
                "price_cents": euros * 100, "end_date": end,
            })  # fmt: skip

    # ownership --------------------------------------------------------------------------------

    def current_vehicle(self, cust: _Cust) -> _Veh:
        """A vehicle *cust* owns today (bought new or used here, or elsewhere)."""
        rng = self.rng
        today = self.today
        own_brands = _SITES[cust.site].brands
        r = rng.random()
        brands = own_brands if r < 0.72 else (_OTHER_BRANDS if r < 0.88 else
                                              _SITES[_pick(rng, _same_country_sites(cust.site))].brands)  # fmt: skip
        site = cust.site
        for index, info in enumerate(_SITES):
            if brands is info.brands:
                site = index
        commercial = cust.kind == "company" and rng.random() < 0.6
        origin = rng.random()
        ours = brands is not _OTHER_BRANDS
        if ours and origin < (0.45 if cust.kind == "company" else 0.30):
            delivery = _weekday(self.rand_date(add_months(today, -144), today - 15 * _DAY))
            veh = self.vehicle(site, brands, delivery, commercial, cust.kind == "company")
            veh.owners.append([cust, delivery, None])
            self.sale(veh, cust, "new", delivery)
            if cust.kind == "person" and rng.random() < 0.3:
                self.trade_in(cust, delivery)
        elif ours and origin < 0.52:
            delivery = _weekday(self.rand_date(add_months(today, -120), today - 15 * _DAY))
            demo = rng.random() < 0.08
            age_days = _ri(rng, 90, 300) if demo else _ri(rng, 200, 3600)
            mec = delivery - dt.timedelta(days=age_days)
            veh = self.vehicle(site, brands, mec, commercial, cust.kind == "company")
            veh.is_demo = demo
            veh.owners.append([cust, delivery, None])
            self.sale(veh, cust, "used", delivery)
        else:
            if rng.random() < 0.1:  # an old car still on the road (over 20 years old)
                mec = self.rand_date(add_months(today, -348), add_months(today, -240))
            else:
                mec = self.rand_date(add_months(today, -240), add_months(today, -1))
            veh = self.vehicle(site, brands, mec, commercial, cust.kind == "company")
            start = (
                mec if rng.random() < 0.45 else self.rand_date(mec + 90 * _DAY, today - 20 * _DAY)
            )
            veh.owners.append([cust, start, None])
        cust.vehicles.append(veh)
        return veh

    def former_vehicle(self, cust: _Cust) -> _Veh:
        """A car *cust* no longer drives (sold privately or scrapped) still linked to them.

        The dealer was not told who bought it: the customer stays its owner, and its status
        (sold, scrapped) takes it out of reminders.
        """
        rng = self.rng
        today = self.today
        mec = self.rand_date(add_months(today, -264), add_months(today, -48))
        start = mec if rng.random() < 0.5 else self.rand_date(mec + 90 * _DAY, mec + 2500 * _DAY)
        start = min(start, today - 800 * _DAY)
        gone = self.rand_date(start + 600 * _DAY, today - 60 * _DAY)
        brands = _SITES[cust.site].brands if rng.random() < 0.7 else _OTHER_BRANDS
        veh = self.vehicle(cust.site, brands, mec, False)
        veh.owners.append([cust, start, None])
        veh.gone = gone
        veh.status = "scrapped" if (gone - mec).days > 11 * 365 and rng.random() < 0.7 else "sold"
        veh.status_date = gone
        cust.vehicles.append(veh)
        return veh

    def trade_in(self, cust: _Cust, day: dt.date) -> None:
        """*cust*'s previous car, taken back on *day* when they bought their new one."""
        rng = self.rng
        start = day - dt.timedelta(days=_ri(rng, 2 * 365, 9 * 365))
        mec = start if rng.random() < 0.5 else start - dt.timedelta(days=_ri(rng, 200, 2500))
        r = rng.random()
        brands = _SITES[cust.site].brands if r < 0.6 else _OTHER_BRANDS
        veh = self.vehicle(cust.site, brands, mec, False)
        veh.owners.append([cust, start, day])
        cust.vehicles.append(veh)
        self.pool.append((veh, day))
        self.traded.append(veh)

    def leased_vehicle(self) -> _Veh:
        """A car of a leasing company, with its driver. Most are returned at the end of the
        lease and resold; a few old ones were never updated in the DMS: the leasing company
        still owns a 10- to 16-year-old car (the manual's "remove ARVAL from the target")."""
        rng = self.rng
        leaser = self.leaser_pick(rng)
        site = self.french_site_pick(rng)
        stale = rng.random() < 0.1
        if stale:
            delivery = _weekday(self.rand_date(add_months(self.today, -192),
                                               add_months(self.today, -120)))  # fmt: skip
        else:
            delivery = _weekday(self.rand_date(add_months(self.today, -72), self.today - 15 * _DAY))
        veh = self.vehicle(site, _SITES[site].brands, delivery, rng.random() < 0.2, True)
        term = _pick(rng, (36, 36, 48))
        end = add_months(delivery, term)
        veh.owners.append([leaser, delivery, None])
        self.sale(veh, leaser, "new", delivery)
        leaser.vehicles.append(veh)
        if rng.random() < 0.92:
            female = rng.random() < 0.4
            first = self.female(rng) if female else self.male(rng)
            veh.driver = ("Mme" if female else "M.", self.surname(rng), first)
        if stale:
            veh.gone = end  # back at the leasing company: no more visits here
        elif end < self.today - 30 * _DAY:  # returned at the end of the lease
            veh.owners[-1][2] = end
            self.pool.append((veh, end))
        return veh

    def resell(self, chunk: list[_Cust]) -> None:
        """Traded-in and returned vehicles: resold used to one of our customers, or to a dealer."""
        rng = self.rng
        buyers = [c for c in chunk if c.kind == "person"]
        for veh, released in self.pool:
            previous = veh.owners[-1][0]
            latest = self.today - 2 * _DAY
            if buyers and rng.random() < 0.65 and released + 12 * _DAY < latest:
                buyer = _pick(rng, buyers)
                if buyer is not previous:
                    day = _weekday(min(latest, released + dt.timedelta(days=_ri(rng, 12, 120))))
                    veh.owners.append([buyer, day, None])
                    self.sale(veh, buyer, "used", day)
                    buyer.vehicles.append(veh)
                    continue
            if self.traders:
                trader = _pick(rng, self.traders)
                day = min(self.today - _DAY, released + dt.timedelta(days=_ri(rng, 3, 30)))
                veh.owners.append([trader, day, None])
                veh.status = "sold"
                veh.status_date = day
                trader.vehicles.append(veh)
            else:  # nobody to take it: the previous owner kept it
                veh.owners[-1][2] = None
        self.pool = []

    # workshop ---------------------------------------------------------------------------------

    def workshop(self, veh: _Veh) -> None:
        rng = self.rng
        horizon, today = self.horizon, self.today
        warranty = add_months(veh.mec, 12 * _MANUFACTURER_WARRANTY_YEARS.get(veh.model.brand, 2))
        for cust, start, end in veh.owners:
            if cust.kind == "trader":
                continue
            first = max(start + _DAY, horizon, veh.mec + 30 * _DAY)
            last = min(end or today, today, veh.gone or today) - 2 * _DAY
            if cust.loyalty == "lapsed" and cust.lapse is not None:
                last = min(last, cust.lapse)
            if last <= first:
                continue
            loyalty = cust.loyalty
            if loyalty == "rare":
                if rng.random() < 0.5:
                    self.visit(veh, cust, self.rand_date(first, last), service=rng.random() < 0.6)
                continue
            low, high = {"loyal": (350, 520), "fleet": (330, 420), "occasional": (600, 1200),
                         "lapsed": (330, 560)}[loyalty]  # fmt: skip
            day = first + dt.timedelta(days=_ri(rng, 0, high))
            while day <= last:
                self.visit(veh, cust, day, service=True)
                gap = _ri(rng, low, high)
                if rng.random() < 0.15:  # a repair between two services
                    repair = day + dt.timedelta(days=_ri(rng, 30, gap - 20))
                    if repair <= last:
                        kind = "customer"
                        if repair < warranty and rng.random() < 0.6:
                            kind = "warranty"
                        self.visit(veh, cust, repair, service=False, invoice_type=kind)
                day += dt.timedelta(days=gap)

    def visit(self, veh: _Veh, cust: _Cust, day: dt.date, service: bool,
              campaign_discount: bool = False, invoice_type: str = "customer") -> None:  # fmt: skip
        rng = self.rng
        day = _weekday(day)
        if day >= self.today:
            day = self.today - _DAY
        km = veh.km(day)
        age = (day - veh.mec).days / 365.25
        index = 1.0 + 0.028 * (day.year - 2016)
        rate = 72.0 * index  # hourly labour rate before tax
        lines: list[tuple[str, str, float]] = []
        if invoice_type == "internal":
            label = "Préparation VN" if veh.sale and veh.sale["kind"] == "new" else "Préparation VO"
            lines.append(("labour", label, rng.uniform(1.0, 3.0) * rate))
            lines.append(("other_services", "Nettoyage et lustrage", rng.uniform(40, 90) * index))
            if rng.random() < 0.3:
                lines.append(("parts", "Jeu de balais d'essuie-glace", rng.uniform(25, 45) * index))
        elif invoice_type == "warranty":  # the manufacturer pays
            lines.append(("labour", "Réparation sous garantie constructeur",
                          rng.uniform(0.5, 4.0) * rate))  # fmt: skip
            lines.append(("parts", _pick(rng, ("Capteur de position", "Calculateur moteur",
                                               "Lève-vitre électrique", "Pompe à eau",
                                               "Écran multimédia")),
                          rng.uniform(60, 650) * index))  # fmt: skip
        elif service:
            lines.append(("labour", "Forfait révision", rng.uniform(1.0, 2.0) * rate))
            if veh.energy == "ELECTRIQUE":
                oil = "Liquide de refroidissement et contrôle batterie"
            else:
                oil = "Huile moteur 5W30 et filtre à huile"
            lines.append(("parts", oil, rng.uniform(50, 95) * index))
            if rng.random() < 0.4:
                lines.append(("parts", "Filtres à air et d'habitacle", rng.uniform(36, 68) * index))
            # In a CT year (MEC + 4, 6, 8... years), some have the test done through the workshop.
            ct_year = day.year - veh.mec.year >= 4 and (day.year - veh.mec.year) % 2 == 0
            if ct_year and rng.random() < 0.3:
                lines.append(
                    (
                        "other_services",
                        "Contrôle technique (sous-traité)",
                        rng.uniform(70, 92) * index,
                    )
                )
            veh.services.append((day, cust))
        else:
            r = rng.random()
            if r < 0.30:
                count = _pick(rng, (2, 2, 4))
                lines.append(
                    ("tyres", f"Pneumatiques x{count}", count * rng.uniform(70, 150) * index)
                )
                lines.append(("labour", "Montage équilibrage", count * 14.0 * index))
            elif r < 0.50:
                lines.append(("parts", "Plaquettes de frein AV", rng.uniform(55, 120) * index))
                if rng.random() < 0.4:
                    lines.append(("parts", "Disques de frein AV", rng.uniform(110, 240) * index))
                lines.append(("labour", "Remplacement freinage AV", rng.uniform(0.8, 1.6) * rate))
            elif r < 0.62:
                lines.append(
                    ("bodywork", "Carrosserie et peinture", rng.uniform(280, 2400) * index)
                )
                if rng.random() < 0.4:
                    lines.append(
                        (
                            "insurance",
                            "Prise en charge assurance (sinistre)",
                            rng.uniform(150, 900) * index,
                        )
                    )
            elif r < 0.70:
                lines.append(
                    (
                        "insurance",
                        "Remplacement pare-brise (bris de glace)",
                        rng.uniform(380, 950) * index,
                    )
                )
            elif r < 0.78 and age > 5:
                lines.append(
                    ("parts", "Kit de distribution + pompe à eau", rng.uniform(240, 460) * index)
                )
                lines.append(("labour", "Remplacement distribution", rng.uniform(3.0, 5.0) * rate))
            elif r < 0.86:
                lines.append(
                    ("other_services", "Recharge climatisation", rng.uniform(59, 95) * index)
                )
            elif r < 0.92:
                lines.append(("accessories", _pick(rng, ("Tapis de sol", "Barres de toit", "Attelage",
                                                          "Coffre de toit")),
                              rng.uniform(45, 480) * index))  # fmt: skip
                lines.append(("labour", "Pose accessoire", rng.uniform(0.3, 2.0) * rate))
            elif r < 0.96:
                lines.append(("wheels", "Jantes alliage x4", rng.uniform(480, 1200) * index))
                lines.append(("labour", "Montage jantes", rng.uniform(0.5, 1.0) * rate))
            else:
                lines.append(("parts", "Batterie", rng.uniform(105, 190) * index))
                lines.append(("labour", "Diagnostic électronique", rng.uniform(0.5, 1.0) * rate))
        if invoice_type == "customer" and rng.random() < 0.05:
            lines.append(("other_services", "Véhicule de courtoisie", rng.uniform(25, 60) * index))
        # Discounts: most invoices none; loyalty on parts; a commercial gesture on labour; the
        # win-back campaign's 20 % on labour and parts.
        r = rng.random()
        invoice_id = self.next_id("invoice")
        total = discount_total = 0
        line_rows = self.rows["invoice_line"]
        for number, (category, text, euros) in enumerate(lines, 1):
            gross = int(round(euros * 100))
            discount = 0
            if invoice_type != "customer":
                pass
            elif campaign_discount and category in ("labour", "parts"):
                discount = gross // 5
            elif r < 0.10 and category == "parts":
                discount = gross * _pick(rng, (5, 10, 15)) // 100
            elif r > 0.96 and category == "labour":
                discount = min(gross, 2000)
            amount = gross - discount
            total += amount
            discount_total += discount
            line_rows.append({
                "id": self.next_id("line"), "invoice_id": invoice_id, "line_number": number,
                "category": category,
                "description": text, "amount_cents": amount, "discount_cents": discount,
            })  # fmt: skip
        site = veh.site
        key = (site, day.year, day.month)
        seq = self.invoice_seq.get(key, 0) + 1
        self.invoice_seq[key] = seq
        self.rows["workshop_invoice"].append({
            "id": invoice_id, "number": f"FA{day.year % 100:02d}{day.month:02d}{seq:05d}",
            "date": day, "site_id": site + 1, "customer_id": cust.id, "vehicle_id": veh.id,
            "mileage": km, "invoice_type": invoice_type, "total_cents": total,
            "discount_cents": discount_total,
        })  # fmt: skip
        cust.seen(day)
        if veh.last_invoice is None or day >= veh.last_invoice[0]:
            veh.last_invoice = (day, km)

    # contacts ---------------------------------------------------------------------------------

    def contact(self, cust: _Cust, veh: _Veh | None, channel: str, day: dt.date, campaign: str,
                program: str, template: str, marketing: bool = True) -> bool:  # fmt: skip
        """Log a contact if allowed: the channel exists, was not refused, the basis allows it."""
        if day < self.contact_start or day >= self.today:
            return False
        if marketing and (cust.basis == "none" or day < cust.basis_date):
            return False  # marketing needs a legal basis, from the day it was obtained
        refusal = {"post": "post", "sms": "sms", "email": "email"}.get(channel)
        if channel == "phone":
            refusal = "phone_mobile" if cust.has_mobile else "phone_home"
            if not (cust.has_mobile or cust.has_landline or cust.has_work):
                return False
        if channel == "sms" and not cust.has_mobile or channel == "email" and not cust.has_email:
            return False
        refused = cust.optouts.get(refusal or "")
        if refused is not None and refused <= day:
            return False
        if marketing and cust.basis_end is not None and day >= cust.basis_end:
            return False  # an implied consent (CASL) that has lapsed
        if channel == "post" and cust.unknown_since is not None and cust.unknown_since <= day:
            return False  # letters come back
        row = cust.row
        if channel == "sms" and self.suppressed(
            "phone", e164(row["phone_mobile"], row["country"]), "sms", day
        ):
            return False  # another record's refusal of the same number (STOP)
        if channel == "phone":
            field, listed = ("phone_mobile", "phone_mobile") if cust.has_mobile else (
                "phone_home", "phone_home")  # fmt: skip
            if self.suppressed("phone", e164(row[field], row["country"]), listed, day):
                return False
        if channel == "email" and self.suppressed(
            "email", (row["email"] or "").strip().lower(), "email", day
        ):
            return False
        rng = self.rng
        if channel == "phone":  # calls: Monday to Friday only
            while day.weekday() >= 5:
                day += _DAY
            hour = _pick(rng, (10, 11, 12, 14, 15, 16, 17, 18, 19))
            outcome = _pick(rng, ("Joint", "Joint", "Pas de réponse", "Messagerie", "Rappel demandé",
                                  "RDV pris", "Pas intéressé"))  # fmt: skip
        elif channel == "sms":
            day = _weekday(day)
            hour = _ri(rng, 9, 19)
            outcome = "Délivré" if rng.random() < 0.94 else "Échec"
        elif channel == "email":
            hour = _ri(rng, 8, 20)
            outcome = _pick(rng, ("Envoyé", "Ouvert", "Ouvert", "Cliqué", "Rejeté"))
        else:
            hour = 9
            outcome = "Envoyé" if rng.random() < 0.98 else "NPAI"
        if day >= self.today:
            return False
        at = dt.datetime.combine(day, dt.time(hour, _below(rng, 60)))
        self.rows["contact_history"].append({
            "id": self.next_id("contact"), "customer_id": cust.id,
            "vehicle_id": veh.id if veh is not None else None, "channel": channel,
            "contacted_at": at, "campaign": campaign, "program": program, "template": template,
            "outcome": outcome, "user": _pick(rng, _AGENTS),
        })  # fmt: skip
        return True

    def contacts(self, cust: _Cust) -> None:
        if cust.kind in ("leaser", "trader"):
            return  # the loyalty programs are for the people who drive the cars
        rng = self.rng
        for veh in cust.vehicles:
            sale = veh.sale
            if sale is not None and sale["customer_id"] == cust.id:
                delivered = sale["delivery_date"]
                channel = "email" if cust.has_email and rng.random() < 0.5 else "post"
                self.contact(cust, veh, channel, delivered + 7 * _DAY, "Bienvenue",
                             "Lettre de bienvenue", f"bienvenue_{channel}", marketing=False)  # fmt: skip
                self.contact(cust, veh, "phone", delivered + 2 * _DAY, "Appel de courtoisie J+2",
                             "Appel de courtoisie", "courtoisie_j2", marketing=False)  # fmt: skip
                self.contact(cust, veh, "phone", add_months(delivered, 6), "Appel de courtoisie 6 mois",
                             "Appel de courtoisie", "courtoisie_6m", marketing=False)  # fmt: skip
            for service, serviced in veh.services:
                if serviced is cust and rng.random() < 0.35:
                    day = service - dt.timedelta(days=_ri(rng, 15, 35))
                    channel = "sms" if rng.random() < 0.6 else "post"
                    self.contact(cust, veh, channel, day, f"Rappel entretien {day:%Y-%m}",
                                 "Rappel d'entretien", f"rappel_entretien_{channel}")  # fmt: skip
        for year in range(self.contact_start.year, self.today.year):
            if rng.random() < 0.15:
                channel = "email" if cust.has_email else "post"
                self.contact(cust, None, channel, dt.date(year, 12, _ri(rng, 10, 20)),
                             f"Vœux {year + 1}", "Vœux", f"voeux_{channel}")  # fmt: skip
        if cust.loyalty == "lapsed" and cust.lapse is not None and cust.vehicles:
            campaign_day = dt.date(self.today.year - 1, 7, 26)
            veh = cust.vehicles[-1]
            owner_then = veh.owners[-1]
            if (campaign_day - cust.lapse).days > 120 and owner_then[0] is cust and owner_then[2] is None \
                    and owner_then[1] < campaign_day:  # fmt: skip
                channel = "email" if cust.has_email else "post"
                sent = self.contact(cust, veh, channel, campaign_day,
                                    f"WinBack {campaign_day.year}", "Reconquête", f"winback_{channel}")  # fmt: skip
                if sent and rng.random() < 0.2 and veh.status == "in_use":
                    back = campaign_day + dt.timedelta(days=_ri(rng, 6, 66))
                    self.visit(veh, cust, back, service=True, campaign_discount=True)

    # customers' rows --------------------------------------------------------------------------

    def permissions(self, cust: _Cust, created: dt.date) -> None:
        """Refusals and legal bases, as history rows (``permission_event``), the customer's
        cache columns (``optout_*``, ``marketing_basis*``: what
        :func:`app.models.permissions.refresh_cache` computes from those rows on *today*) and
        the suppression lists their refusals make."""
        rng = self.rng
        row = cust.row
        events = self.rows["permission_event"]
        everything = cust.kind == "person" and rng.random() < 0.02
        for channel, share in _OPTOUT_RATES.items():
            refused = cust.forced.get(channel, everything or rng.random() < share)
            if refused:
                day = self.rand_date(created, self.today - _DAY)
                source = _pick(rng, _OPTOUT_SOURCES[channel])
                if channel == "sms" and cust.forced.get("sms"):
                    source = "STOP SMS"
                who = _pick(rng, _AGENTS) if source in _TYPED_SOURCES else None
                cust.optouts[channel] = day
                row[f"optout_{channel}"] = True
                row[f"optout_{channel}_date"] = day
                row[f"optout_{channel}_source"] = source[:40]
                events.append(self.event(cust, channel, "refusal", None, day, None, source, who))
                self.suppress(cust, channel, day, source, who)
            else:
                row[f"optout_{channel}"] = False
                row[f"optout_{channel}_date"] = None
                row[f"optout_{channel}_source"] = None
        canadian = row["country"] == "CA" or _SITES[cust.site].country == "CA"
        if cust.kind in ("leaser", "trader"):
            basis = "legitimate_interest"
        elif everything:
            basis = "none"
        elif canadian:
            basis = self.casl_pick(rng)
        else:
            basis = self.basis_pick(rng)
        cust.basis = basis
        if basis == "none":
            day = source = None
        elif basis == "legitimate_interest":
            day, source = created, _pick(rng, _INTEREST_SOURCES)
        elif basis == "implied_purchase":
            day = self.rand_date(max(created, add_months(self.today, -48)), self.today - _DAY)
            source = _pick(rng, _INTEREST_SOURCES)
        elif basis == "implied_inquiry":
            day = self.rand_date(max(created, add_months(self.today, -18)), self.today - _DAY)
            source = _pick(rng, ("Demande d'essai", "Demande de devis", "Site web"))
        else:
            day = self.rand_date(created, self.today - _DAY)
            source = _pick(rng, _CONSENT_SOURCES)
        expires = None
        if basis in _IMPLIED_MONTHS:  # CASL: the implied consent lapses
            expires = add_months(day, _IMPLIED_MONTHS[basis])
        cust.basis_date = day or dt.date.max
        cust.basis_end = expires
        if day is not None:  # the one basis, given for every channel the customer has
            held = (("post", True), ("phone_home", row["phone_home"]),
                    ("phone_work", row["phone_work"]), ("phone_mobile", row["phone_mobile"]),
                    ("sms", True), ("fax", row["fax"]), ("email", row["email"]))  # fmt: skip
            for channel, has in held:
                if has:
                    events.append(
                        self.event(cust, channel, "basis", basis, day, expires, source, None)
                    )
        # The cache holds the SMS channel's basis in force today: none while SMS is refused
        # or once an implied consent has lapsed.
        in_force = day is not None and not row["optout_sms"]
        if in_force and expires is not None and canadian and self.today >= expires:
            in_force = False
        if in_force:
            row["marketing_basis"] = (
                "legitimate_interest" if basis == "legitimate_interest" else "consent"
            )
            row["marketing_basis_date"] = day
            row["marketing_basis_source"] = source[:40]
        else:
            row["marketing_basis"] = "none"
            row["marketing_basis_date"] = None
            row["marketing_basis_source"] = None

    def event(self, cust: _Cust, channel: str, kind: str, basis: str | None, day: dt.date,
              expires: dt.date | None, source: str, who: str | None) -> dict:  # fmt: skip
        return {
            "id": self.next_id("event"), "customer_id": cust.id, "channel": channel, "kind": kind,
            "basis": basis, "event_date": day, "expires_on": expires, "source": source,
            "who": who, "created_at": dt.datetime.combine(day, _NOON),
        }  # fmt: skip

    def suppress(self, cust: _Cust, channel: str, day: dt.date, source: str,
                 who: str | None) -> None:  # fmt: skip
        """Put what *cust*'s refusal of *channel* covers on the suppression list (the rule of
        :func:`app.models.permissions.record_refusal`; a newer date wins)."""
        row = cust.row
        if channel == "email":
            address = (row["email"] or "").strip().lower()
            values = [("email", address)] if address else []
        else:
            fields = _SUPPRESSED_FIELDS.get(channel, ())
            country = row["country"]
            values = []
            for name in fields:
                number = e164(row[name], country)
                if not number:
                    continue
                if channel == "sms" and not _is_mobile(number):
                    continue
                values.append(("phone", number))
        for kind, value in dict.fromkeys(values):
            key = (kind, value, channel)
            entry = self.suppressions.get(key)
            if entry is not None and entry["entry_date"] >= day:
                continue
            self.suppressions[key] = {
                "kind": kind, "value": value, "channel": channel, "entry_date": day,
                "source": source, "who": who, "customer_id": cust.id,
                "created_at": dt.datetime.combine(day, _NOON),
            }  # fmt: skip

    def suppressed(self, kind: str, value: str, channel: str, day: dt.date) -> bool:
        entry = self.suppressions.get((kind, value, channel))
        return entry is not None and entry["entry_date"] <= day

    basis_pick = _Picker(("consent", "legitimate_interest", "none"), (0.45, 0.38, 0.17))
    casl_pick = _Picker(("consent", "implied_purchase", "implied_inquiry", "none"),
                        (0.35, 0.40, 0.10, 0.15))  # fmt: skip

    def finish_customer(self, cust: _Cust, dms_ref: int) -> None:
        rng = self.rng
        today = self.today
        for veh in cust.vehicles:  # known since they had their car, or their first visit
            for owner, start, _end in veh.owners:
                if owner is cust:
                    cust.seen(start)
        first = cust.first_seen or self.rand_date(add_months(today, -120), today - _DAY)
        created = max(first - dt.timedelta(days=_ri(rng, 0, 20)), add_months(today, -240))
        created = min(created, today - _DAY)
        row = cust.row
        if row.get("civility") == "Mlle" and created >= _NO_MORE_MLLE:
            row["civility"] = "Mme"
        row.setdefault("country", cust.commune.country)
        self.permissions(cust, created)
        row["unknown_address"] = False
        row["unknown_address_date"] = None
        if cust.kind in ("person", "company"):
            if rng.random() < 0.03:  # letters came back
                cust.unknown_since = self.rand_date(min(created + 30 * _DAY, today - _DAY),
                                                    today - _DAY)  # fmt: skip
                row["unknown_address"] = True
                row["unknown_address_date"] = cust.unknown_since
            r = rng.random()
            if r < 0.008:  # only the town is known
                row["address1"] = row["address2"] = row["address3"] = None
            elif r < 0.011:
                row["postal_code"] = None
            elif r < 0.014 and row["country"] == "FR":  # a digit lost when typing
                row["postal_code"] = row["postal_code"][:-1]
        channels = [c for c, ok in (("sms", cust.has_mobile), ("email", cust.has_email),
                                    ("phone", cust.has_mobile or cust.has_landline), ("post", True))
                    if ok and cust.kind in ("person", "company")]  # fmt: skip
        if "preferred_channel" not in row:
            row["preferred_channel"] = (
                _pick(rng, channels) if channels and rng.random() < 0.5 else None
            )
        created_at = dt.datetime.combine(created, dt.time(_ri(rng, 8, 18), _below(rng, 60)))
        updated = self.rand_date(created, today - _DAY)
        row.update(
            id=cust.id,
            dms_ref=str(100000 + dms_ref),
            site_id=cust.site + 1,
            country=row["country"],
            created_at=created_at,
            updated_at=max(created_at, dt.datetime.combine(updated, dt.time(_ri(rng, 8, 18)))),
            free1=_pick(rng, ("Passage", "Site web", "Parrainage", "Salon", None, None, None)),
            free2=f"FID-{_below(rng, 10**6):06d}" if rng.random() < 0.2 else None,
            free3="VIP" if rng.random() < 0.02 else None,
        )
        row.setdefault("address2", None)
        row.setdefault("address3", None)
        row.setdefault("birth_date", None)
        row.setdefault("language", "fr")
        row["last_name_fold"] = _fold_cached(row["last_name"])
        row["first_name_fold"] = _fold_cached(row["first_name"])
        row["company_name_fold"] = fold(row["company_name"])
        row["address1_fold"] = fold(row["address1"])
        row["city_fold"] = _fold_cached(row["city"])
        with_display_name(row)

    def vehicle_row(self, veh: _Veh, department: str) -> dict:
        rng = self.rng
        today = self.today
        owner, start, _ = veh.owners[-1]
        if veh.status == "in_use" and owner.kind in ("person", "company"):
            if rng.random() < 0.004:
                veh.status = "stolen"
                veh.status_date = self.rand_date(start, today - _DAY)
        if veh.last_invoice is not None and veh.last_invoice[0] >= start:
            mileage_date, mileage = veh.last_invoice
        else:
            mileage_date = start
            mileage = veh.km(start) if start > veh.mec + 7 * _DAY else _ri(rng, 5, 60)
        last_service = max(d for d, _ in veh.services) if veh.services else None
        if last_service is not None:
            next_service = add_months(last_service, 12)
        else:
            next_service = add_months(veh.mec, 12)
            while next_service < start:
                next_service = add_months(next_service, 12)
        brand = veh.model.brand
        warranty = add_months(veh.mec, 12 * _MANUFACTURER_WARRANTY_YEARS.get(brand, 2))
        mobility = veh.mobility_product
        if brand in _MOBILITY:
            network = add_months(last_service, 12) if last_service else None
            if veh.sale is not None and veh.sale["kind"] == "new":
                network = max(network or veh.mec, add_months(veh.mec, 24))
            if network is not None:
                mobility = max(mobility or network, network)
        if owner.kind != "leaser":
            veh.driver = None  # a returned leased car: its new owner drives it
        veh.vin = self.vin(veh)
        veh.plate = self.plate(veh, department, veh.owners[0][0].commune)
        sold_here = veh.sale is not None and veh.sale["customer_id"] == owner.id
        purchase = veh.order_date if sold_here and veh.order_date else start
        model = veh.model
        return {
            "id": veh.id,
            "site_id": veh.site + 1,
            "owner_id": owner.id,
            "plate": veh.plate,
            "vin": veh.vin,
            "brand": brand,
            "model": model.model,
            "version": veh.version,
            "genre": model.genre if model.genre != "VP" or rng.random() > 0.03 else "DERIV-VP",
            "category": "VU" if model.genre == "CTTE" else "VP",
            "energy": veh.energy,
            "model_year": veh.model_year,
            "first_registration": veh.mec,
            "purchase_date": purchase,
            "delivery_date": start,
            "is_demo": veh.is_demo,
            "mileage": mileage,
            "mileage_date": mileage_date,
            "next_service_date": next_service,
            "inspection_due_date": inspection_due(veh.mec, today - 60 * _DAY),
            "warranty_end": warranty,
            "extended_warranty_end": veh.ext_warranty,
            "mobility_end": mobility,
            "status": veh.status,
            "status_date": veh.status_date,
            "driver_civility": veh.driver[0] if veh.driver else None,
            "driver_last_name": veh.driver[1] if veh.driver else None,
            "driver_first_name": veh.driver[2] if veh.driver else None,
            "created_at": dt.datetime.combine(
                max(veh.owners[0][1], add_months(today, -240)), dt.time(12, 0)
            ),
            "model_fold": _fold_cached(model.model),
            "version_fold": _fold_cached(veh.version),
        }

    # the whole run ----------------------------------------------------------------------------

    def chunk(self, start: int, size: int, specials: list[_Cust]) -> None:
        """Customers ``start`` to ``start + size`` (the special companies first, in chunk 0)."""
        rng = self.rng
        self.rows = {name: [] for name in ("customer", "vehicle", "ownership", "vehicle_sale",
                                           "sale_product", "workshop_invoice", "invoice_line",
                                           "contact_history", "permission_event")}  # fmt: skip
        self.pool: list[tuple[_Veh, dt.date]] = []
        self.traded: list[_Veh] = []
        chunk: list[_Cust] = list(specials)
        if start == 0 and self.total >= 20 and size - len(chunk) >= 2:
            chunk.extend(self.girard())
        while len(chunk) < size:
            cust = self.person() if rng.random() < 0.9 else self.company()
            chunk.append(cust)
            if cust.kind != "person" or len(chunk) >= size:
                continue
            # About 1.2 % of people are entered twice; at least one in every 150.
            self.since_duplicate += 1
            if rng.random() < 0.012 or self.since_duplicate >= 150:
                twin = self.duplicate(cust)
                chunk.append(twin)
                self.since_duplicate = 0
                if twin.has_mobile and rng.random() < 0.3:
                    # One record refuses SMS, the other does not: the number is listed and
                    # neither record gets an SMS.
                    twin.forced["sms"], cust.forced["sms"] = True, False
        vehicles: list[_Veh] = []
        for cust in chunk:
            if cust.kind == "person":
                count = (
                    0 if cust.loyalty == "rare" and rng.random() < 0.3 else self.person_count(rng)
                )
                if count == 0 and not cust.vehicles:
                    count = 1 if rng.random() < 0.9 else 0
            elif cust.kind == "company":
                count = _pick(rng, (1, 1, 1, 2, 2, 3, 5))
            else:
                count = 0
            for _i in range(count):
                vehicles.append(self.current_vehicle(cust))
            if cust.kind == "person" and rng.random() < 0.3:
                vehicles.append(self.former_vehicle(cust))
        if self.leasers:
            for _ in range(int(len(vehicles) * 0.06) + (1 if rng.random() < 0.5 else 0)):
                vehicles.append(self.leased_vehicle())
        vehicles.extend(self.traded)
        self.resell(chunk)
        for veh in vehicles:
            self.workshop(veh)
        for cust in chunk:
            self.finish_customer(cust, start + len(self.rows["customer"]))
            self.rows["customer"].append(cust.row)
        for cust in chunk:
            self.contacts(cust)
        for veh in vehicles:
            department = veh.owners[0][0].commune.postal_code[:2]
            self.rows["vehicle"].append(self.vehicle_row(veh, department))
            for owner, begin, end in veh.owners:
                self.rows["ownership"].append({"id": self.next_id("ownership"), "vehicle_id": veh.id,
                                               "customer_id": owner.id, "start_date": begin,
                                               "end_date": end})  # fmt: skip

    person_count = _Picker((1, 2, 3, 4), (0.72, 0.21, 0.055, 0.015))

    def suppression_rows(self) -> list[dict]:
        """The suppression lists, once every refusal is known (a later chunk may list a number
        again with a newer date)."""
        return [{"id": i, **entry} for i, entry in enumerate(self.suppressions.values(), 1)]


_TABLES = (
    ("customer", Customer.__table__),
    ("vehicle", Vehicle.__table__),
    ("ownership", Ownership.__table__),
    ("vehicle_sale", VehicleSale.__table__),
    ("sale_product", SaleProduct.__table__),
    ("workshop_invoice", WorkshopInvoice.__table__),
    ("invoice_line", InvoiceLine.__table__),
    ("contact_history", ContactHistory.__table__),
    ("permission_event", PermissionEvent.__table__),
    ("suppression_entry", SuppressionEntry.__table__),
)


def _check_empty(conn: Connection, database: Database) -> None:
    marked = select(Setting.key).where(Setting.key == DEMO_SETTING)
    if conn.execute(marked).first() is not None:
        raise DatabaseError(
            _("{location} already holds demo data.").format(location=database.location)
        )
    for table in (Site.__table__, Customer.__table__, Vehicle.__table__):
        if conn.execute(select(func.count()).select_from(table)).scalar_one():
            raise DatabaseError(
                _(
                    "{location} already holds data ({name}): demo data is only written to an empty database."
                ).format(location=database.location, name=table.name)
            )


def _sites_rows() -> list[dict]:
    return [
        {"id": i + 1, "code": s.code, "name": s.name, "address": s.address,
         "postal_code": s.postal_code, "city": s.city, "country": s.country,
         "subdivision": s.subdivision, "phone": s.phone,
         "email": f"atelier.{s.code.lower()}@loire-automobiles.example",
         "website": f"https://www.loire-automobiles.example/{s.code.lower()}",
         "booking_url": f"https://www.loire-automobiles.example/{s.code.lower()}/rendez-vous"}
        for i, s in enumerate(_SITES)
    ]  # fmt: skip


def _fix_sequences(conn: Connection) -> None:
    """PostgreSQL: explicit ids do not advance SERIAL sequences; move them past the rows."""
    if conn.dialect.name != "postgresql":
        return
    for table in [Site.__table__] + [t for _name, t in _TABLES]:
        conn.execute(
            select(
                func.setval(
                    func.pg_get_serial_sequence(table.name, "id"),
                    select(func.coalesce(func.max(table.c.id), 0) + 1).scalar_subquery(),
                    False,
                )
            )
        )


def generate_demo(
    database: Database,
    customers: int = 5000,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
    *,
    today: dt.date | None = None,
) -> None:
    """Fill the empty *database* with *customers* invented customers and their history.

    Deterministic: the same *seed* and *today* (default: the current date) give the same rows.
    ``progress(done, total)`` is called with the customers written so far; if it raises (to
    cancel), nothing is written. Raises :class:`~app.errors.DatabaseError` if the database
    already holds customers, vehicles or sites, and :class:`ValueError` for a count below 1.
    """
    if customers < 1:
        raise ValueError(f"customers must be at least 1, not {customers}")
    today = today or dt.date.today()
    generator = _Generator(customers, seed, today)
    with database.engine.begin() as conn:
        _check_empty(conn, database)
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # a big page cache: index pages stay in memory instead of spilling to the WAL
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
        try:
            _write(conn, generator, customers, seed, today, progress)
            _open_orders(conn, customers, seed, today)
            _install_programs(conn, today)
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA cache_size=-2000")  # SQLite's default


def _open_orders(conn: Connection, customers: int, seed: int, today: dt.date) -> None:
    """Orders signed in the last 30 days whose new car is delivered in the next 60 days (one
    customer in a hundred): the dealership knows the planned delivery date, so the welcome,
    courtesy-call and thank-you programs have reminders next month too (issue 15).

    The car on order is in the DMS already: a temporary WW plate, its VIN, first registered on
    the planned delivery day, the customer's from then on (ownership history). Drawn from a
    random stream of its own: the rest of the demo is the same as without them."""
    rng = random.Random(f"open-orders:{seed}")
    c, v, s, o, site = (
        Customer.__table__, Vehicle.__table__, VehicleSale.__table__, Ownership.__table__,
        Site.__table__,
    )  # fmt: skip
    people = conn.execute(
        select(c.c.id, c.c.site_id)
        .where(c.c.is_company.is_(False), c.c.is_fleet.is_(False), c.c.site_id.is_not(None))
        .order_by(c.c.id)
    ).all()
    if not people:
        return
    chosen = rng.sample(people, min(len(people), max(2, customers // 100)))
    codes = dict(conn.execute(select(site.c.id, site.c.code)).all())
    models: dict[int, list] = {}
    for row in conn.execute(
        select(v.c.site_id, v.c.brand, v.c.model, v.c.version, v.c.genre, v.c.category, v.c.energy)
        .where(v.c.first_registration >= add_months(today, -24))
        .order_by(v.c.id)
    ):
        models.setdefault(row.site_id, []).append(row)
    vehicle_id = (conn.execute(select(func.max(v.c.id))).scalar() or 0) + 1
    sale_id = (conn.execute(select(func.max(s.c.id))).scalar() or 0) + 1
    vehicles, sales, owners = [], [], []
    for i, (customer_id, site_id) in enumerate(chosen):
        pool = models.get(site_id) or [r for rows in models.values() for r in rows]
        if not pool:
            return
        m = _pick(rng, pool)
        order = today - dt.timedelta(days=_ri(rng, 1, 30))
        delivery = _weekday(today + dt.timedelta(days=_ri(rng, 2, 60)))
        warranty_years = _MANUFACTURER_WARRANTY_YEARS.get(m.brand, 2)
        vehicles.append({
            "id": vehicle_id, "site_id": site_id, "owner_id": customer_id,
            "plate": f"WW-{i % 1000:03d}-{_PLATE_PAIRS[i // 1000 % len(_PLATE_PAIRS)]}",
            "vin": f"VF1CMDE{seed % 1000:03d}{i:07d}", "brand": m.brand, "model": m.model,
            "version": m.version, "genre": m.genre, "category": m.category, "energy": m.energy,
            "model_year": delivery.year, "first_registration": delivery,
            "purchase_date": order, "delivery_date": delivery, "is_demo": False,
            "mileage": 0, "mileage_date": delivery,
            "next_service_date": add_months(delivery, 12),
            "inspection_due_date": add_months(delivery, 48),
            "warranty_end": add_months(delivery, 12 * warranty_years),
            "extended_warranty_end": None, "mobility_end": add_months(delivery, 24),
            "status": "in_use", "status_date": None, "driver_civility": None,
            "driver_last_name": None, "driver_first_name": None,
            "created_at": dt.datetime.combine(order, dt.time(12, 0)),
            "model_fold": fold(m.model), "version_fold": fold(m.version),
        })  # fmt: skip
        sales.append({
            "id": sale_id, "order_number": f"BC{codes.get(site_id, 'X')}{order.year % 100:02d}9{i:04d}",
            "kind": "new", "site_id": site_id, "customer_id": customer_id,
            "vehicle_id": vehicle_id, "order_date": order, "delivery_date": delivery,
            "salesperson": None, "fi_manager": None, "price_cents": 2_500_000 + 1000 * i,
            "financing_type": "cash", "lender": None, "rate": None, "term_months": None,
            "monthly_payment_cents": None, "financing_start": None, "financing_end": None,
        })  # fmt: skip
        owners.append({"vehicle_id": vehicle_id, "customer_id": customer_id,
                       "start_date": delivery, "end_date": None})  # fmt: skip
        vehicle_id += 1
        sale_id += 1
    conn.execute(insert(v), vehicles)
    conn.execute(insert(s), sales)
    conn.execute(insert(o), owners)


def _install_programs(conn: Connection, today: dt.date) -> None:
    """The default loyalty program of each type (issue 15), the newsletter on the 1st of next
    month, owned by the after-sales manager."""
    from sqlalchemy.orm import Session

    from app.programs.defaults import install_defaults

    with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
        install_defaults(session, owner="Service après-vente", lang="fr", today=today)
        session.commit()  # releases the savepoint; the demo's transaction commits it all


def _write(
    conn: Connection,
    generator: _Generator,
    customers: int,
    seed: int,
    today: dt.date,
    progress: Callable[[int, int], None] | None,
) -> None:
    conn.execute(insert(Site.__table__), _sites_rows())
    setting = {
        "seed": seed,
        "customers": customers,
        "today": today.isoformat(),
        "group": GROUP_NAME,
    }
    conn.execute(insert(Setting.__table__), [{"key": DEMO_SETTING, "value": json.dumps(setting)}])
    if progress is not None:
        progress(0, customers)
    # Indexes are dropped and rebuilt around the load (in the same transaction): building an
    # index from all the rows at once is several times faster than updating it row by row.
    indexes = [index for _, table in _TABLES for index in sorted(table.indexes, key=_index_name)]
    for index in indexes:
        index.drop(conn, checkfirst=True)
    done = 0
    chunk = max(CHUNK_MIN, min(CHUNK_MAX, customers // 20))
    specials = generator.special_companies(min(len(_SPECIAL_ORDER), customers // 40))
    while done < customers:
        size = min(chunk, customers - done)
        generator.chunk(done, size, specials if done == 0 else [])
        for name, table in _TABLES:
            rows = generator.rows.get(name)
            if rows:
                _insert(conn, table, rows)
        done += size
        if progress is not None:
            progress(done, customers)
    entries = generator.suppression_rows()
    if entries:
        _insert(conn, SuppressionEntry.__table__, entries)
    for index in indexes:
        index.create(conn, checkfirst=True)
    _fix_sequences(conn)


def _index_name(index) -> str:
    return str(index.name)


def _insert(conn: Connection, table: Table, rows: list[dict]) -> None:
    """``INSERT`` *rows* (dicts with the same keys) with one executemany.

    On SQLite the statement compiled by Core is handed to the driver with the values already
    converted by each column type's own bind processor: the same SQL and the same stored values
    as ``conn.execute(insert(table), rows)``, without SQLAlchemy's per-row bookkeeping (which
    costs more than SQLite itself). Other databases take the ordinary Core path.
    """
    if not _fast_path(conn):
        conn.execute(insert(table), rows)
        return
    keys = list(rows[0])
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=keys)
    order = list(compiled.positiontup or ())
    if sorted(order) != sorted(keys):  # pragma: no cover - defensive: fall back to Core
        conn.execute(insert(table), rows)
        return
    processors = []
    for position, key in enumerate(order):
        column_type = table.c[key].type.dialect_impl(conn.dialect)
        processor = column_type.bind_processor(conn.dialect)
        if processor is not None and not isinstance(column_type, (Boolean, Enum, String)):
            processors.append((position, _same_in_c(processor, column_type.python_type)))
    getter = operator.itemgetter(*order)
    if len(order) == 1:  # pragma: no cover - every table has several columns
        values = [(getter(row),) for row in rows]
    elif not processors:
        values = [getter(row) for row in rows]
    else:
        values = []
        for row in rows:
            record = list(getter(row))
            for position, processor in processors:
                value = record[position]
                if value is not None:
                    record[position] = processor(value)
            values.append(tuple(record))
    conn.exec_driver_sql(str(compiled), values)


_ISO_DATE = operator.methodcaller("isoformat")
_ISO_DATETIME = operator.methodcaller("isoformat", " ", "microseconds")


def _same_in_c(processor: Callable, python_type: type) -> Callable:
    """``isoformat`` (written in C) in place of a date or datetime bind processor, if (as on
    SQLite) it gives exactly the same text; otherwise the processor itself."""
    if python_type is dt.datetime:
        samples, fast = (
            (dt.datetime(2023, 4, 5, 6, 7, 8, 9), dt.datetime(1999, 12, 31)),
            _ISO_DATETIME,
        )
    elif python_type is dt.date:
        samples, fast = (dt.date(2023, 4, 5), dt.date(1999, 12, 31)), _ISO_DATE
    else:
        return processor
    if all(processor(sample) == fast(sample) for sample in samples):
        return fast
    return processor


def _fast_path(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite" and bool(conn.dialect.positional)


def summary(database: Database) -> dict[str, int]:
    """Row counts of the demo's tables (for the command's report)."""
    with database.engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in (("site", Site.__table__), *_TABLES)
        }


__all__ = ["COMMUNES", "DEMO_SETTING", "Commune", "add_months", "generate_demo", "inspection_due",
           "summary"]  # fmt: skip
