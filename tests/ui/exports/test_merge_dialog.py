"""The "Mail merge" dialog, driven through its real widgets on a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.models import ContactHistory
from app.models.mailings import list_mailings
from app.ui.exports import merge_dialog
from app.ui.exports.merge_dialog import MailMergeDialog
from tests.export.mailing_sample import TODAY, everyone
from tests.export.word_templates_xml import make_template, paragraph, run, simple


@pytest.fixture
def answers(monkeypatch):
    """QMessageBox.question answers (Yes/No) queued by the test; every question is recorded."""
    asked: list[str] = []
    queue: list[QMessageBox.StandardButton] = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return queue.pop(0) if queue else QMessageBox.StandardButton.No

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "warning", lambda p, t, text, *a, **k: warnings.append(text))
    return {"asked": asked, "queue": queue, "warnings": warnings}


def make_dialog(qtbot, db, manager, **target_kw) -> MailMergeDialog:
    target_kw.setdefault("name", "Relance CT")
    dlg = MailMergeDialog(db, everyone(**target_kw), task_manager=manager, today=TODAY)
    dlg.open_check.setChecked(False)
    qtbot.addWidget(dlg)
    dlg.show()
    wait_for_funnel(qtbot, dlg)
    return dlg


@pytest.fixture
def dialog(qtbot, garage, manager, english, answers):
    db, _ = garage
    return make_dialog(qtbot, db, manager)


def wait_for_funnel(qtbot, dlg: MailMergeDialog) -> None:
    task = dlg._funnel_task
    if task is not None and not task.is_finished:
        with qtbot.waitSignal(task.finished, timeout=20_000):
            pass


def funnel_rows(dlg: MailMergeDialog) -> list[tuple[str, str]]:
    tree = dlg.funnel_tree
    return [
        (tree.topLevelItem(i).text(0), tree.topLevelItem(i).text(1))
        for i in range(tree.topLevelItemCount())
    ]


def merge_and_wait(qtbot, dlg: MailMergeDialog) -> None:
    """Click Merge; wait for the check before writing, then for the writing if it starts."""
    qtbot.mouseClick(dlg.merge_button, Qt.MouseButton.LeftButton)
    task = dlg.current_task()
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=30_000):
        pass
    task = dlg.current_task()
    if task is not None and not task.is_finished:
        with qtbot.waitSignal(task.finished, timeout=30_000):
            pass


def test_funnel_counts_and_reasons_are_shown_before_writing(qtbot, dialog, tmp_path) -> None:
    assert funnel_rows(dialog) == [
        ("In the target", "16"),
        ("With a usable postal address", "11"),
        ("One per customer", "8"),
        ("Not refusing postal contact", "6"),
        ("To send", "6"),
    ]
    refusal = dialog.funnel_tree.topLevelItem(3)
    assert [
        (refusal.child(i).text(0), refusal.child(i).text(1)) for i in range(refusal.childCount())
    ] == [("refuses postal contact", "-2")]
    assert dialog.funnel_status.text().startswith("6 recipients")
    assert list(tmp_path.glob("*.docx")) == []  # nothing written yet

    dialog.household_check.setChecked(True)
    wait_for_funnel(qtbot, dialog)
    assert ("One per household", "7") in funnel_rows(dialog)
    dialog.recent_check.setChecked(True)  # 30 days
    wait_for_funnel(qtbot, dialog)
    assert funnel_rows(dialog)[-2:] == [
        ("Not contacted in the last 30 days", "3"),
        ("To send", "3"),
    ]


def test_merge_a_starter_letter(qtbot, dialog, tmp_path) -> None:
    assert dialog.template_combo.currentText() == "Service reminder"  # a French letter
    assert "Bloc adresse" in dialog.fields_label.text()
    out = tmp_path / "rappel"
    qtbot.keyClicks(dialog.path_edit, str(out))
    opened: list[Path] = []
    dialog.open_document = opened.append
    dialog.open_check.setChecked(True)
    merge_and_wait(qtbot, dialog)
    written = tmp_path / "rappel.docx"  # .docx added
    assert opened == [written]
    doc = Document(str(written))
    assert len(doc.sections) == 6
    assert doc.paragraphs[0].text.startswith("Monsieur Jean DUPRÉ")
    assert dialog.status_label.text() == f"6 letters written to {written}."
    assert dialog.record_button.isEnabled()


def test_per_vehicle_letters(qtbot, dialog, tmp_path) -> None:
    dialog.per_combo.setCurrentIndex(1)
    dialog.path_edit.setText(str(tmp_path / "v.docx"))
    merge_and_wait(qtbot, dialog)
    assert dialog.last_result.count == 8
    assert len(Document(str(tmp_path / "v.docx")).sections) == 8


def test_unknown_fields_are_shown_and_block_the_merge(qtbot, dialog, tmp_path, answers) -> None:
    bad = make_template(
        tmp_path / "bad.docx", [paragraph(run("{Nom} {Pointure}"), simple("Couleur"))]
    )
    dialog.use_template(bad)
    assert dialog.fields_label.text() == "Unknown merge fields: «Pointure», «Couleur»"
    assert not dialog.merge_button.isEnabled()
    good = make_template(tmp_path / "good.docx", [paragraph(run("{Nom} {Ville}"))])
    dialog.use_template(good)
    assert dialog.fields_label.text() == "2 merge fields: Nom, Ville"
    assert dialog.merge_button.isEnabled()


def test_labels_with_offset(qtbot, dialog, tmp_path) -> None:
    dialog.labels_radio.setChecked(True)
    dialog.layout_combo.setCurrentIndex(dialog.layout_combo.findData("2x7"))
    assert (
        dialog.layout_combo.currentText() == "2 × 7: 14 labels of 99.1 × 38.1 mm (like Avery L7163)"
    )
    assert dialog.offset_spin.maximum() == 13
    assert not dialog.per_combo.isEnabled()
    assert dialog.fields_label.text() == "Labels show the address block."
    dialog.offset_spin.setValue(3)
    dialog.path_edit.setText(str(tmp_path / "labels.docx"))
    merge_and_wait(qtbot, dialog)
    table = Document(str(tmp_path / "labels.docx")).tables[0]
    cells = [row.cells[i].text for row in table.rows for i in (0, 2)]
    assert cells[:3] == ["", "", ""]
    assert cells[3].startswith("Monsieur Jean DUPRÉ")
    assert dialog.status_label.text().startswith("6 labels written to")


def test_labels_that_would_be_cut_are_named(qtbot, garage, manager, english, answers, tmp_path):
    """Issue 12, point 12: the dialog names the customers whose label is cut even at 7 pt."""
    from sqlalchemy import update

    from app.models import Customer

    db, ids = garage
    with db.session() as s:
        s.execute(
            update(Customer)
            .where(Customer.id == ids["dupre"])
            .values(
                address1="Résidence " + "des Très Longs Noms de Rues " * 8,
                address2="Bâtiment " + "de la Grande Cour Intérieure " * 8,
                address3="Lieu-dit " + "Les Hauts Plateaux du Levant " * 8,
            )
        )
    dlg = make_dialog(qtbot, db, manager)
    dlg.labels_radio.setChecked(True)
    dlg.layout_combo.setCurrentIndex(dlg.layout_combo.findData("3x8"))
    dlg.path_edit.setText(str(tmp_path / "labels.docx"))
    # before writing, the labels that will be cut are named and the user may go back...
    merge_and_wait(qtbot, dlg)
    cut = "1 label is too long for a 3x8 label even in 7 pt and will be cut: Monsieur Jean DUPRÉ."
    assert answers["asked"] == [f"Before writing:\n\n• {cut}\n\nWrite the 6 labels anyway?"]
    assert dlg.last_check is not None and dlg.last_check.cut_labels == ["Monsieur Jean DUPRÉ"]
    assert not (tmp_path / "labels.docx").exists()
    assert dlg.status_label.text() == f"Nothing written. Before writing:\n• {cut}"
    # ...or write them anyway
    answers["queue"].append(QMessageBox.StandardButton.Yes)
    merge_and_wait(qtbot, dlg)
    lines = dlg.status_label.text().splitlines()
    assert lines[0].startswith("6 labels written to")
    assert lines[1:] == [
        "Before printing: 1 label is too long for a 3x8 label even in 7 pt and will be cut: "
        "Monsieur Jean DUPRÉ."
    ]
    assert (tmp_path / "labels.docx").exists()


def test_pdf_option_says_why_it_is_unavailable(
    qtbot, garage, manager, english, monkeypatch
) -> None:
    db, _ = garage
    monkeypatch.setattr(merge_dialog, "pdf_unavailable_reason", lambda: "LibreOffice is missing.")
    dlg = make_dialog(qtbot, db, manager)
    assert not dlg.pdf_check.isEnabled()
    assert dlg.pdf_check.toolTip() == "LibreOffice is missing."
    assert "LibreOffice is not installed" in dlg.pdf_note.text()
    assert dlg.options()["pdf"] is False
    monkeypatch.setattr(merge_dialog, "pdf_unavailable_reason", lambda: None)
    dlg2 = make_dialog(qtbot, db, manager)
    assert dlg2.pdf_check.isEnabled() and dlg2.pdf_note.isHidden()


def test_existing_file_is_only_replaced_after_asking(qtbot, dialog, tmp_path, answers) -> None:
    out = tmp_path / "old.docx"
    out.write_bytes(b"last month's letters")
    dialog.path_edit.setText(str(out))
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)  # answered No
    assert dialog.current_task() is None
    assert answers["asked"] == [f"{out} already exists. Replace it?"]
    assert out.read_bytes() == b"last month's letters"


def test_cancel_leaves_the_old_file_intact(qtbot, dialog, tmp_path, answers) -> None:
    out = tmp_path / "old.docx"
    out.write_bytes(b"last month's letters")
    dialog.path_edit.setText(str(out))
    answers["queue"].append(QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    task = dialog.current_task()
    task.cancel()
    with qtbot.waitSignal(task.finished, timeout=30_000):
        pass
    assert task.outcome == "cancelled"
    assert out.read_bytes() == b"last month's letters"
    assert sorted(
        p.name for p in tmp_path.iterdir() if p.suffix != ".sqlite" and "sqlite" not in p.name
    ) == ["old.docx"]
    assert dialog.status_label.text() == "Merge cancelled; the previous file, if any, is unchanged."
    assert dialog.last_result is None and not dialog.record_button.isEnabled()


def test_record_in_the_contact_history(qtbot, dialog, garage, tmp_path) -> None:
    db, ids = garage
    dialog.path_edit.setText(str(tmp_path / "l.docx"))
    merge_and_wait(qtbot, dialog)
    letters = dialog.last_result.letters
    assert dialog.campaign_edit.text() == "Service reminder"  # proposed: the template's title
    dialog.campaign_edit.setText("Rappel juin")
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog._record_task.finished, timeout=20_000):
        pass
    assert dialog.status_label.text() == "6 postal contacts recorded in the contact history."
    assert not dialog.record_button.isEnabled()  # once per merge
    with db.session() as s:
        rows = s.scalars(
            select(ContactHistory).where(ContactHistory.campaign == "Rappel juin")
        ).all()
        assert sorted(r.customer_id for r in rows) == sorted(c for c, _ in letters)
        assert {r.template for r in rows} == {"rappel_entretien.docx"}
    # the next mailing with a 30-day cap leaves them out
    dialog.recent_check.setChecked(True)
    wait_for_funnel(qtbot, dialog)
    assert funnel_rows(dialog)[-1] == ("To send", "0")


def test_saved_mailings_with_overwrite_warning(qtbot, dialog, garage, answers) -> None:
    db, _ = garage
    dialog.name_edit.setText("CT novembre")
    dialog.description_edit.setText("Relance des CT")
    dialog.labels_radio.setChecked(True)
    dialog.offset_spin.setValue(4)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved_names() == ["CT novembre"]
    assert dialog.saved_table.item(0, 2).text() == "Relance des CT"

    # the same name again: asked; "No" keeps the saved one as it was
    dialog.description_edit.setText("autre chose")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert answers["asked"] == [
        "A mailing of this target is already called CT novembre. Replace it?"
    ]
    with db.session() as s:
        (saved,) = list_mailings(s, "Relance CT")
        assert saved.description == "Relance des CT"
        assert saved.option_values["labels"] == "3x8" and saved.option_values["offset"] == 4
    answers["queue"].append(QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with db.session() as s:
        assert list_mailings(s, "Relance CT")[0].description == "autre chose"

    # its settings come back
    dialog.letters_radio.setChecked(True)
    dialog.offset_spin.setValue(0)
    dialog.saved_table.selectRow(0)
    qtbot.mouseClick(dialog.load_button, Qt.MouseButton.LeftButton)
    assert dialog.labels_radio.isChecked() and dialog.offset_spin.value() == 4
    wait_for_funnel(qtbot, dialog)

    answers["queue"].append(QMessageBox.StandardButton.Yes)
    dialog.saved_table.selectRow(0)
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert dialog.saved_names() == []


def test_new_template_lists_the_fields_and_is_selected(qtbot, dialog, tmp_path) -> None:
    path = tmp_path / "mon_modele"
    dialog.write_new_template(path)
    written = tmp_path / "mon_modele.docx"
    assert written.is_file()
    assert dialog.template_edit.text() == str(written)
    assert dialog.merge_button.isEnabled()
    listed = [row.cells[0].text for row in Document(str(written)).tables[0].rows[1:]]
    assert listed[:3] == ["Civility", "Last name", "First name"]  # the target's columns, English


def test_text_in_brackets_is_shown_and_asked_about_before_writing(
    qtbot, dialog, tmp_path, answers
) -> None:
    """Issue 12, point 14: a starter letter with [dates] to fill in is flagged, not written
    unless the user says so."""
    dialog.template_combo.setCurrentIndex(dialog.template_combo.findText("Open days"))
    assert dialog.placeholders_label.text() == "Text in brackets to fill in: [dates], [heures]"
    assert dialog.placeholders_label.isVisible()
    out = tmp_path / "portes.docx"
    dialog.path_edit.setText(str(out))
    merge_and_wait(qtbot, dialog)  # answered No
    [question] = answers["asked"]
    assert "• The template still holds 2 texts in brackets to fill in: [dates], [heures]." in (
        question
    )
    assert not out.exists() and dialog.status_label.text().startswith("Nothing written.")
    assert dialog.merge_button.isEnabled()


def test_past_due_dates_are_counted_before_writing(
    qtbot, garage, manager, english, answers, tmp_path
) -> None:
    import datetime as dt

    db, _ = garage
    dlg = MailMergeDialog(
        db, everyone(name="CT"), task_manager=manager, today=dt.date(2025, 12, 31)
    )
    dlg.open_check.setChecked(False)
    qtbot.addWidget(dlg)
    wait_for_funnel(qtbot, dlg)
    dlg.template_combo.setCurrentIndex(dlg.template_combo.findText("Technical inspection due"))
    dlg.per_combo.setCurrentIndex(1)  # one letter per vehicle
    out = tmp_path / "ct.docx"
    dlg.path_edit.setText(str(out))
    answers["queue"].append(QMessageBox.StandardButton.Yes)
    merge_and_wait(qtbot, dlg)
    [question] = answers["asked"]
    check = dlg.last_check
    assert check is not None and set(check.overdue) == {"vehicle.inspection_due_date"}
    assert check.overdue["vehicle.inspection_due_date"] == 1  # the sample's one CT date
    assert (
        "• 1 letter prints a «Roadworthiness test due (CT)» already past (before 31/12/2025)."
        in question
    )
    assert out.exists()  # written anyway, as asked
    assert dlg.status_label.text().splitlines()[0].endswith(f"written to {out}.")
