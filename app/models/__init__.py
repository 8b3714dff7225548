"""The ORM (SQLAlchemy 2.x, typed) and database set-up. No Qt here."""

from app.models.activity import (
    ContactHistory,
    InvoiceLine,
    SaleProduct,
    Setting,
    VehicleSale,
    WorkshopInvoice,
)
from app.models.base import Base
from app.models.dealership import (
    Customer,
    CustomerAlias,
    Ownership,
    PermissionEvent,
    Site,
    SuppressionEntry,
    Vehicle,
)
from app.models.email import (  # noqa: F401 - registers the tables
    EmailBatch,
    EmailContent,
    EmailMessage,
    EmailTemplate,
    InvalidEmail,
)
from app.models.exports import SavedExcelExport  # noqa: F401 - registers the table
from app.models.mailings import SavedMailing  # noqa: F401 - registers the table
from app.models.merges import CustomerMerge
from app.models.programs import (  # noqa: F401 - registers the tables
    Program,
    ProgramContact,
    ProgramRun,
)
from app.models.sms import SmsBatch, SmsMessage, SmsReply, SmsTemplate  # noqa: F401 - registers the tables
from app.models.targets import SavedTarget

__all__ = [
    "Base",
    "ContactHistory",
    "Customer",
    "CustomerAlias",
    "CustomerMerge",
    "InvoiceLine",
    "Ownership",
    "PermissionEvent",
    "SaleProduct",
    "SavedTarget",
    "Setting",
    "Site",
    "SuppressionEntry",
    "Vehicle",
    "VehicleSale",
    "WorkshopInvoice",
]
