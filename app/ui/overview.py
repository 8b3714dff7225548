"""What is in a database: counts per table, the invoice date range, where the file is.

:func:`compute_overview` is plain SQL (no Qt) and runs in the background thread;
:class:`DatabaseOverview` shows its result and can be put in any window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import case, func, select, text

from app import i18n
from app.models import (
    ContactHistory,
    Customer,
    InvoiceLine,
    Ownership,
    Site,
    Vehicle,
    VehicleSale,
    WorkshopInvoice,
)
from app.models.db import Database
from app.models.enums import VehicleStatus
from app.ui import tasks


@dataclass(frozen=True)
class OverviewFigures:
    sites: int
    customers: int
    companies: int
    fleet: int
    vehicles: int
    vehicles_in_use: int
    ownerships: int
    invoices: int
    invoice_lines: int
    first_invoice: dt.date | None
    last_invoice: dt.date | None
    sales: int
    contacts: int
    location: str
    schema: str | None
    size_bytes: int | None


def _count(conn, model) -> int:
    return conn.scalar(select(func.count()).select_from(model)) or 0


def _flag_sum(column):
    return func.coalesce(func.sum(case((column, 1), else_=0)), 0)


def compute_overview(database: Database, ctx: tasks.TaskContext | None = None) -> OverviewFigures:
    """Count what is in *database* (a few full-table counts: run it off the GUI thread)."""

    def step() -> None:
        if ctx is not None:
            ctx.check_cancelled()

    with database.engine.connect() as conn:
        customers, companies, fleet = conn.execute(
            select(func.count(), _flag_sum(Customer.is_company), _flag_sum(Customer.is_fleet))
        ).one()
        step()
        vehicles, in_use = conn.execute(
            select(func.count(), _flag_sum(Vehicle.status == VehicleStatus.IN_USE))
        ).one()
        step()
        invoices, first, last = conn.execute(
            select(func.count(), func.min(WorkshopInvoice.date), func.max(WorkshopInvoice.date))
        ).one()
        step()
        counts = {}
        for key, model in (
            ("sites", Site),
            ("ownerships", Ownership),
            ("invoice_lines", InvoiceLine),
            ("sales", VehicleSale),
            ("contacts", ContactHistory),
        ):
            counts[key] = _count(conn, model)
            step()
        schema = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    size = None
    if database.path is not None and database.path.exists():
        size = database.path.stat().st_size
        wal = database.path.with_name(database.path.name + "-wal")
        if wal.exists():
            size += wal.stat().st_size
    return OverviewFigures(
        customers=customers,
        companies=int(companies),
        fleet=int(fleet),
        vehicles=vehicles,
        vehicles_in_use=int(in_use),
        invoices=invoices,
        first_invoice=_as_date(first),
        last_invoice=_as_date(last),
        location=database.location,
        schema=schema,
        size_bytes=size,
        **counts,
    )


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


class DatabaseOverview(QWidget):
    """Counts per table of an open database, computed in the background.

    ``loaded`` is emitted with the :class:`OverviewFigures` once they are shown; ``failed`` with
    the error message. Each value label has the object name ``value_<key>`` (tests read them).
    """

    loaded = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        database: Database | None = None,
        parent: QWidget | None = None,
        *,
        task_manager: tasks.TaskManager | None = None,
    ) -> None:
        super().__init__(parent)
        self._database: Database | None = None
        self._task: tasks.Task | None = None
        self._tasks = task_manager
        self.figures: OverviewFigures | None = None
        self._values: dict[str, QLabel] = {}
        self._build()
        if database is not None:
            self.set_database(database)

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        title = QLabel(self.tr("What is in this database"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)

        people = self._group(
            self.tr("Customers and vehicles"),
            [
                ("customers", self.tr("Customers"), False),
                ("companies", self.tr("of which companies"), True),
                ("fleet", self.tr("of which fleet and leasing companies"), True),
                ("vehicles", self.tr("Vehicles"), False),
                ("vehicles_in_use", self.tr("of which in use"), True),
                ("ownerships", self.tr("Ownership records (current and past owners)"), False),
            ],
        )
        activity = self._group(
            self.tr("Workshop, sales and contacts"),
            [
                ("invoices", self.tr("Workshop invoices"), False),
                ("invoice_lines", self.tr("Invoice lines"), False),
                ("invoice_dates", self.tr("Invoice dates"), False),
                ("sales", self.tr("Vehicle sales (new and used)"), False),
                ("contacts", self.tr("Contacts made"), False),
                ("sites", self.tr("Sites"), False),
            ],
        )
        storage = self._group(
            self.tr("Database"),
            [
                ("location", self.tr("Location"), False),
                ("schema", self.tr("Schema version"), False),
                ("size", self.tr("Size on disk"), False),
            ],
        )
        self._values["location"].setWordWrap(True)
        self._values["location"].setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred
        )

        self.status = QLabel()
        self.status.setObjectName("overview_status")
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Count again (after an import, for example)"))
        self.refresh_button.clicked.connect(self.refresh)

        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(16)
        grid.addWidget(people, 0, 0)
        grid.addWidget(activity, 0, 1)
        grid.addWidget(storage, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.refresh_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addLayout(grid)
        layout.addLayout(bottom)
        layout.addStretch(1)

    def _group(self, title: str, rows: list[tuple[str, str, bool]]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setHorizontalSpacing(24)
        form.setVerticalSpacing(6)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label_text, indented in rows:
            label = QLabel(label_text)
            if indented:
                label.setIndent(18)
            value = QLabel("…")
            value.setObjectName(f"value_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if key not in ("location", "schema", "size"):
                value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self._values[key] = value
            form.addRow(label, value)
        return box

    # -- behaviour --------------------------------------------------------------------------
    @property
    def database(self) -> Database | None:
        return self._database

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.is_finished

    def value_text(self, key: str) -> str:
        return self._values[key].text()

    def set_database(self, database: Database) -> None:
        self._database = database
        self.refresh()

    def refresh(self) -> None:
        """Count again in the background; the figures are replaced when the counts arrive."""
        if self._database is None:
            return
        if self._task is not None and not self._task.is_finished:
            self._task.cancel()
        database = self._database
        self.status.setText(self.tr("Counting…"))
        self.refresh_button.setEnabled(False)
        runner = self._tasks or tasks.manager()
        self._task = runner.run(
            lambda ctx: compute_overview(database, ctx),
            self._show,
            self._show_error,
            on_cancelled=lambda: None,
            owner=self,
        )

    def _show(self, figures: OverviewFigures) -> None:
        if figures.location != (self._database.location if self._database else None):
            return  # counts of a database that is no longer shown
        self.figures = figures
        count = i18n.format_count
        for key in (
            "sites", "customers", "companies", "fleet", "vehicles", "vehicles_in_use",
            "ownerships", "invoices", "invoice_lines", "sales", "contacts",
        ):  # fmt: skip
            self._values[key].setText(count(getattr(figures, key)))
        if figures.first_invoice is None:
            dates = self.tr("no invoice yet")
        else:
            dates = (
                self.tr("from %1 to %2")
                .replace("%1", i18n.format_date(figures.first_invoice))
                .replace("%2", i18n.format_date(figures.last_invoice))
            )
        self._values["invoice_dates"].setText(dates)
        self._values["location"].setText(figures.location)
        self._values["schema"].setText(figures.schema or self.tr("none"))
        self._values["size"].setText(
            i18n.format_size(figures.size_bytes)
            if figures.size_bytes is not None
            else self.tr("not a file")
        )
        self.status.setText(
            self.tr("Counted at %1.").replace("%1", i18n.format_datetime(dt.datetime.now())[-5:])
        )
        self.refresh_button.setEnabled(True)
        self.loaded.emit(figures)

    def _show_error(self, error: BaseException) -> None:
        message = self.tr("Cannot read the database: %1").replace("%1", str(error).strip())
        self.status.setText(message)
        self.refresh_button.setEnabled(True)
        self.failed.emit(message)


class DatabaseOverviewDialog(QDialog):
    """The overview in a dialog of its own, for a menu of another window (e.g. the targeting one)."""

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        task_manager: tasks.TaskManager | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Database overview"))
        self.overview = DatabaseOverview(database, self, task_manager=task_manager)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.overview)
        layout.addWidget(buttons)
        self.resize(860, 520)
