"""Tools › Duplicate customers: probable duplicates with their score and reasons, the merge
screen (both records side by side, choose the one to keep), and the past merges, which can be
undone. The work is :mod:`app.dedupe` (no Qt); it runs in the background thread
(:mod:`app.ui.tasks`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.dedupe.detect import DEFAULT_THRESHOLD, Candidate, find_duplicates
from app.dedupe.merge import (
    SUMMARY_FIELDS,
    MergeInfo,
    customer_summary,
    merge_customers,
    past_merges,
    undo_merge,
)
from app.errors import CibleError
from app.models.db import Database
from app.ui import tasks

_Index = QModelIndex | QPersistentModelIndex
_DIFFERENT = QBrush(QColor("#fff4ce"))


class CandidatesTableModel(QAbstractTableModel):
    """The probable duplicates: score, the two records, where, why."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.candidates: list[Candidate] = []

    def headers(self) -> list[str]:
        return [self.tr("Score"), self.tr("Customer"), self.tr("Other record"), self.tr("Postal code"), self.tr("Why")]

    def set_candidates(self, candidates: list[Candidate]) -> None:
        self.beginResetModel()
        self.candidates = list(candidates)
        self.endResetModel()

    def drop_customer(self, customer_id: int) -> None:
        """Remove the pairs of a customer that no longer exists (merged)."""
        self.set_candidates(
            [c for c in self.candidates if customer_id not in (c.a_id, c.b_id)]
        )

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's name
        return 0 if parent.isValid() else len(self.candidates)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's name
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c = self.candidates[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [
                str(c.score),
                f"{c.a_name} ({c.a_ref})",
                f"{c.b_name} ({c.b_ref})",
                c.place,
                c.reason_text(),
            ][column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            return c.reason_text()
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class MergesTableModel(QAbstractTableModel):
    """The past merges, latest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.merges: list[MergeInfo] = []

    def headers(self) -> list[str]:
        return [self.tr("Merged on"), self.tr("Kept"), self.tr("Merged into it"), self.tr("Score"), self.tr("By"), self.tr("Undone")]

    def set_merges(self, merges: list[MergeInfo]) -> None:
        self.beginResetModel()
        self.merges = list(merges)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.merges)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 6

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        m = self.merges[index.row()]
        undone = (
            self.tr("%1 by %2").replace("%1", i18n.format_datetime(m.undone_at)).replace("%2", m.undone_by or "")
            if m.undone_at
            else ""
        )
        return [
            i18n.format_datetime(m.merged_at),
            f"{m.survivor_name} ({m.survivor_ref})",
            f"{m.merged_name} ({m.merged_ref})",
            str(m.score),
            m.who,
            undone,
        ][index.column()]


class MergeDialog(QDialog):
    """Both records side by side; the user chooses the one to keep, then merges."""

    merged = Signal(int, int)  # merge id, id of the customer that no longer exists

    def __init__(
        self,
        database: Database,
        candidate: Candidate,
        parent: QWidget | None = None,
        *,
        task_manager: tasks.TaskManager | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.candidate = candidate
        self._tasks = task_manager
        self._task: tasks.Task | None = None
        self.summaries: tuple[dict[str, str], dict[str, str]] | None = None
        self.setObjectName("merge_dialog")
        self.setWindowTitle(self.tr("Merge two customers"))
        self.resize(900, 700)

        why = QLabel(
            self.tr("Score %1: %2").replace("%1", str(candidate.score)).replace("%2", candidate.reason_text())
        )
        why.setWordWrap(True)
        self.keep_a = QRadioButton(self.tr("Keep this record"))
        self.keep_b = QRadioButton(self.tr("Keep this record"))
        self.keep_a.setChecked(True)
        choose = QHBoxLayout()
        choose.addSpacing(170)
        choose.addWidget(self.keep_a, 1)
        choose.addWidget(self.keep_b, 1)
        self.table = QTableWidget(len(SUMMARY_FIELDS), 2)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setVerticalHeaderLabels([self._label(k) for k in SUMMARY_FIELDS])
        self.table.setHorizontalHeaderLabels([candidate.a_name, candidate.b_name])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setMinimumWidth(160)
        self.table.verticalHeader().setDefaultSectionSize(22)
        note = QLabel(
            self.tr(
                "The record kept keeps its DMS reference and its values; its empty fields are filled from the other one. "
                "Vehicles, invoices, sales, contacts, SMS and refusals move to it; the other record's DMS reference "
                "becomes an alias of it, so a later import of it lands on the record kept. A merge can be undone."
            )
        )
        note.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = self.buttons.addButton(self.tr("&Merge"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self.merge)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(why)
        layout.addLayout(choose)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._load()

    def _label(self, key: str) -> str:
        return {
            "dms_ref": self.tr("DMS reference"),
            "site": self.tr("Site"),
            "civility": self.tr("Civility"),
            "last_name": self.tr("Last name"),
            "first_name": self.tr("First name"),
            "company_name": self.tr("Company name"),
            "address1": self.tr("Address"),
            "address2": self.tr("Address (2)"),
            "postal_code": self.tr("Postal code"),
            "city": self.tr("City"),
            "phone_mobile": self.tr("Mobile"),
            "phone_home": self.tr("Home phone"),
            "phone_work": self.tr("Work phone"),
            "email": self.tr("E-mail"),
            "birth_date": self.tr("Birth date"),
            "vehicles": self.tr("Vehicles"),
            "invoices": self.tr("Workshop invoices"),
            "sales": self.tr("Vehicle sales"),
            "contacts": self.tr("Contacts made"),
            "sms": self.tr("SMS sent"),
            "refusals": self.tr("Refusals"),
            "created_at": self.tr("Created on"),
        }[key]

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.is_finished

    def _runner(self) -> tasks.TaskManager:
        return self._tasks or tasks.manager()

    def _load(self) -> None:
        database, a, b = self.database, self.candidate.a_id, self.candidate.b_id
        lang = i18n.language()

        def work(ctx: tasks.TaskContext) -> tuple[dict[str, str], dict[str, str]]:
            with database.session() as session:
                return customer_summary(session, a, lang), customer_summary(session, b, lang)

        self.status.setText(self.tr("Reading the two records…"))
        self._task = self._runner().run(work, self._show, self._failed, owner=self)

    def _show(self, summaries: tuple[dict[str, str], dict[str, str]]) -> None:
        self.summaries = summaries
        self.status.setText("")
        for row, key in enumerate(SUMMARY_FIELDS):
            values = [s.get(key, "") for s in summaries]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if values[0] != values[1]:
                    item.setBackground(_DIFFERENT)
                self.table.setItem(row, column, item)
        self.merge_button.setEnabled(True)

    def _failed(self, error: BaseException) -> None:
        self.progress.setVisible(False)
        self.merge_button.setEnabled(False)
        if isinstance(error, CibleError):
            self.status.setText(str(error))
        else:
            self.status.setText(self.tr("Cible could not do this: %1").replace("%1", str(error)))

    def survivor_and_merged(self) -> tuple[int, int]:
        c = self.candidate
        return (c.a_id, c.b_id) if self.keep_a.isChecked() else (c.b_id, c.a_id)

    def merge(self) -> None:
        if self.busy:
            return
        survivor, merged = self.survivor_and_merged()
        database, candidate, lang = self.database, self.candidate, i18n.language()

        def work(ctx: tasks.TaskContext) -> tuple[int, int]:
            with database.session() as session:
                merge_id = merge_customers(
                    session,
                    survivor,
                    merged,
                    score=candidate.score,
                    reasons=candidate.reason_text(lang),
                    progress=ctx.report,
                    lang=lang,
                )
            return merge_id, merged

        self.merge_button.setEnabled(False)
        self.keep_a.setEnabled(False)
        self.keep_b.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)

        def on_progress(done: int, total: int, text: str) -> None:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.status.setText(text)

        def on_cancelled() -> None:
            self.status.setText(self.tr("Merge cancelled: nothing was changed."))
            self.progress.setVisible(False)
            self.merge_button.setEnabled(True)

        self._task = self._runner().run(
            work, self._done, self._failed, on_progress, on_cancelled=on_cancelled, owner=self
        )

    def _done(self, result: tuple[int, int]) -> None:
        merge_id, merged = result
        self.merged.emit(merge_id, merged)
        self.accept()

    def reject(self) -> None:
        if self.busy:
            self._task.cancel()  # type: ignore[union-attr]
            return
        super().reject()


class DuplicatesDialog(QDialog):
    """Tools › Duplicate customers."""

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        task_manager: tasks.TaskManager | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self._tasks = task_manager
        self._task: tasks.Task | None = None
        self.merge_dialog: MergeDialog | None = None
        self.setObjectName("duplicates_dialog")
        self.setWindowTitle(self.tr("Duplicate customers"))
        self.resize(1100, 640)

        # probable duplicates
        self.threshold = QSpinBox()
        self.threshold.setRange(0, 100)
        self.threshold.setValue(DEFAULT_THRESHOLD)
        self.threshold.setToolTip(self.tr("Pairs scoring less are not listed"))
        self.search_button = QPushButton(self.tr("&Search"))
        self.search_button.clicked.connect(self.search)
        self.cancel_button = QPushButton(self.tr("Stop"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Minimum score:")))
        top.addWidget(self.threshold)
        top.addWidget(self.search_button)
        top.addWidget(self.cancel_button)
        top.addWidget(self.progress, 1)
        top.addWidget(self.status, 2)
        self.candidates = CandidatesTableModel(self)
        self.candidates_view = self._view(self.candidates)
        self.candidates_view.doubleClicked.connect(lambda _index: self.compare())
        self.compare_button = QPushButton(self.tr("&Compare and merge…"))
        self.compare_button.clicked.connect(self.compare)
        self.compare_button.setEnabled(False)
        self.candidates_view.selectionModel().selectionChanged.connect(self._update_buttons)
        explain = QLabel(
            self.tr(
                "Customers that are probably the same person: same mobile or e-mail, same vehicle (VIN), "
                "or a close name (spelling, accents, first and last name inverted) in the same postal code."
            )
        )
        explain.setWordWrap(True)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(explain)
        layout.addLayout(top)
        layout.addWidget(self.candidates_view, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.compare_button)
        layout.addLayout(buttons)

        # past merges
        self.merges = MergesTableModel(self)
        self.merges_view = self._view(self.merges)
        self.undo_button = QPushButton(self.tr("&Undo this merge"))
        self.undo_button.clicked.connect(self.undo)
        self.undo_button.setEnabled(False)
        self.merges_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.history_status = QLabel()
        history = QWidget()
        h_layout = QVBoxLayout(history)
        h_layout.addWidget(self.merges_view, 1)
        h_buttons = QHBoxLayout()
        h_buttons.addWidget(self.history_status, 1)
        h_buttons.addWidget(self.undo_button)
        h_layout.addLayout(h_buttons)

        self.tabs = QTabWidget()
        self.tabs.addTab(page, self.tr("Probable duplicates"))
        self.tabs.addTab(history, self.tr("Past merges"))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        main = QVBoxLayout(self)
        main.addWidget(self.tabs, 1)
        main.addWidget(close)
        self.refresh_merges()

    def _view(self, model: QAbstractTableModel) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.verticalHeader().setVisible(False)
        view.horizontalHeader().setStretchLastSection(True)
        view.setWordWrap(False)
        return view

    def _runner(self) -> tasks.TaskManager:
        return self._tasks or tasks.manager()

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.is_finished

    def _update_buttons(self) -> None:
        idle = not self.busy
        self.compare_button.setEnabled(idle and self.candidates_view.selectionModel().hasSelection())
        rows = self.merges_view.selectionModel().selectedRows()
        self.undo_button.setEnabled(
            idle and bool(rows) and self.merges.merges[rows[0].row()].undone_at is None
        )
        self.search_button.setEnabled(idle)

    # -- search -------------------------------------------------------------------------------
    def search(self) -> None:
        if self.busy:
            return
        database, threshold, lang = self.database, self.threshold.value(), i18n.language()

        def work(ctx: tasks.TaskContext) -> list[Candidate]:
            with database.engine.connect() as conn:
                return find_duplicates(conn, threshold=threshold, progress=ctx.report, lang=lang)

        def on_progress(done: int, total: int, text: str) -> None:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.status.setText(text)

        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.cancel_button.setVisible(True)
        self._task = self._runner().run(
            work, self._found, self._failed, on_progress, on_cancelled=self._stopped, owner=self
        )
        self._update_buttons()

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _idle(self) -> None:
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self._task = None
        self._update_buttons()

    def _found(self, candidates: list[Candidate]) -> None:
        self._idle()
        self.candidates.set_candidates(candidates)
        self.candidates_view.resizeColumnsToContents()
        self.status.setText(
            self.tr("Probable duplicates: %1").replace("%1", i18n.format_count(len(candidates)))
        )
        self._update_buttons()

    def _stopped(self) -> None:
        self._idle()
        self.status.setText(self.tr("Search stopped."))

    def _failed(self, error: BaseException) -> None:
        self._idle()
        if isinstance(error, CibleError):
            self.status.setText(str(error))
        else:
            self.status.setText(self.tr("Cible could not do this: %1").replace("%1", str(error)))

    # -- merge --------------------------------------------------------------------------------
    def selected_candidate(self) -> Candidate | None:
        rows = self.candidates_view.selectionModel().selectedRows()
        return self.candidates.candidates[rows[0].row()] if rows else None

    def compare(self) -> MergeDialog | None:
        candidate = self.selected_candidate()
        if candidate is None or self.busy:
            return None
        self.merge_dialog = MergeDialog(self.database, candidate, self, task_manager=self._tasks)
        self.merge_dialog.merged.connect(self._merged)
        self.merge_dialog.open()
        return self.merge_dialog

    def _merged(self, merge_id: int, merged_id: int) -> None:
        self.candidates.drop_customer(merged_id)
        self.status.setText(self.tr("Merged. The merge can be undone in Past merges."))
        self.refresh_merges()

    # -- past merges --------------------------------------------------------------------------
    def refresh_merges(self) -> None:
        database = self.database

        def work(ctx: tasks.TaskContext) -> list[MergeInfo]:
            with database.session() as session:
                return past_merges(session)

        self._runner().run(work, self._show_merges, self._failed, owner=self)

    def _show_merges(self, merges: list[MergeInfo]) -> None:
        self.merges.set_merges(merges)
        self.merges_view.resizeColumnsToContents()
        self._update_buttons()

    def selected_merge(self) -> MergeInfo | None:
        rows = self.merges_view.selectionModel().selectedRows()
        return self.merges.merges[rows[0].row()] if rows else None

    def undo(self) -> None:
        merge = self.selected_merge()
        if merge is None or merge.undone_at is not None or self.busy:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Undo this merge"),
            self.tr("Put %1 and %2 back as two separate customers, as they were before the merge?")
            .replace("%1", merge.survivor_name)
            .replace("%2", merge.merged_name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        database, ident, lang = self.database, merge.id, i18n.language()

        def work(ctx: tasks.TaskContext) -> None:
            with database.session() as session:
                undo_merge(session, ident, lang=lang)

        def done(_result: object) -> None:
            self._task = None
            self.history_status.setText(self.tr("Merge undone: search again to see the pair."))
            self.refresh_merges()

        def failed(error: BaseException) -> None:
            self._task = None
            self._update_buttons()
            QMessageBox.warning(self, self.tr("Undo this merge"), str(error))

        self._task = self._runner().run(work, done, failed, owner=self)
        self._update_buttons()
