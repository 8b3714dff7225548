"""The postal permissions funnel shown as a tree: each step with its count, and under it why
the others dropped out (one line per reason, with how many). Used by the Excel and letters
dialogs."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from app import i18n
from app.export.postal import PostalFunnel, reason_counts

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def show_funnel(tree: QTreeWidget, funnel: PostalFunnel) -> None:
    """Fill *tree* (two columns: step, count) with *funnel*'s steps and drop-out reasons."""
    tree.clear()
    previous: int | None = None
    for step in funnel.steps:
        item = QTreeWidgetItem([step.label, i18n.format_count(step.count)])
        item.setData(0, Qt.ItemDataRole.UserRole, step.key)
        item.setTextAlignment(1, _RIGHT)
        if previous is not None and previous != step.count:
            item.setToolTip(
                0,
                QCoreApplication.translate("FunnelTree", "%1 left out at this step").replace(
                    "%1", i18n.format_count(previous - step.count)
                ),
            )
        for reason, n in reason_counts(step):
            child = QTreeWidgetItem([reason, "-" + i18n.format_count(n)])
            child.setTextAlignment(1, _RIGHT)
            child.setToolTip(0, reason)
            item.addChild(child)
        tree.addTopLevelItem(item)
        previous = step.count
    tree.expandAll()
