"""The postal permissions funnel shown as a tree: each step with its count, and under it why
the others dropped out (one line per reason, with how many). Used by the Excel and letters
dialogs."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem

from app import i18n
from app.export.postal import PostalFunnel, reason_counts

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def make_funnel_tree(minimum_height: int) -> QTreeWidget:
    """An empty funnel tree: the step's name takes the width, the count sits at the right."""
    tree = QTreeWidget()
    tree.setObjectName("funnel_tree")
    tree.setColumnCount(2)
    tree.setHeaderLabels(
        [
            QCoreApplication.translate("FunnelTree", "Step"),
            QCoreApplication.translate("FunnelTree", "Count"),
        ]
    )
    tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    tree.header().setStretchLastSection(False)
    tree.setMinimumHeight(minimum_height)
    return tree


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
