"""The effectiveness chart of one program, drawn with QPainter (no chart library in the installer).

One group of bars per run, in date order: the share of contacted customers who came back to the
workshop, and beside it the control group's share when the program holds one out. Under the
chart, one line says what the runs show together (or "not enough data yet").
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app import i18n
from app.programs.effectiveness import RunEffect

CONTACTED = QColor("#2f6db3")
CONTROL = QColor("#b0b7c3")


def _rate(came_back: int, customers: int) -> float | None:
    return came_back / customers if customers else None


class EffectChart(QWidget):
    """Came-back rate per run: contacted (blue) and control group (grey)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("effect_chart")
        self.series: list[RunEffect] = []
        self.setMinimumHeight(150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(520, 180)

    def set_series(self, series: list[RunEffect]) -> None:
        self.series = [e for e in series if e.contacted.customers or e.control.customers]
        self.update()

    def bars(self) -> list[tuple[float | None, float | None]]:
        """(contacted rate, control rate) per run shown: what is drawn (for tests)."""
        return [
            (
                _rate(e.contacted.came_back, e.contacted.customers),
                _rate(e.control.came_back, e.control.customers),
            )
            for e in self.series
        ]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        metrics = painter.fontMetrics()
        line = metrics.height()
        if not self.series:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.tr("No run yet: the chart fills in as the program runs."),
            )
            painter.end()
            return
        left = metrics.horizontalAdvance("100 %") + 10
        top, bottom, right = line, 2 * line + 6, 10
        plot = QRectF(
            left, top, max(self.width() - left - right, 10), max(self.height() - top - bottom, 10)
        )
        top_rate = max([r for pair in self.bars() for r in pair if r is not None] + [0.1])
        top_rate = min(1.0, (int(top_rate * 10) + 1) / 10)
        # grid and scale
        painter.setPen(QPen(self.palette().mid().color(), 1, Qt.PenStyle.DotLine))
        for step in range(0, 5):
            value = top_rate * step / 4
            y = plot.bottom() - plot.height() * step / 4
            painter.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
            painter.setPen(self.palette().text().color())
            painter.drawText(
                QRectF(0, y - line / 2, left - 6, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                i18n.format_percent(value, 0),
            )
            painter.setPen(QPen(self.palette().mid().color(), 1, Qt.PenStyle.DotLine))
        # bars
        shown = self.series[-24:]  # the last two years of monthly runs
        slot = plot.width() / len(shown)
        width = max(min(slot * 0.35, 40.0), 2.0)
        small = QFont(painter.font())
        small.setPointSizeF(max(small.pointSizeF() * 0.85, 6.0))
        for n, (effect, (mine, theirs)) in enumerate(zip(shown, self.bars()[-24:], strict=True)):
            x = plot.left() + slot * n + slot / 2
            for rate, colour, dx in ((mine, CONTACTED, -width), (theirs, CONTROL, 0.0)):
                if rate is None:
                    continue
                h = plot.height() * rate / top_rate
                painter.fillRect(QRectF(x + dx, plot.bottom() - h, width, h), colour)
            if effect.day is not None and (len(shown) <= 12 or n % 3 == 0):
                painter.setFont(small)
                painter.setPen(self.palette().text().color())
                painter.drawText(
                    QRectF(x - slot / 2, plot.bottom() + 2, slot, line),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    i18n.format_date(effect.day)
                    if len(shown) <= 6
                    else f"{effect.day.month:02d}/{effect.day.year}",
                )
                painter.setFont(self.font())
        # legend
        y = self.height() - line - 2
        x = left
        for colour, text in (
            (CONTACTED, self.tr("Contacted: came back")),
            (CONTROL, self.tr("Control group: came back")),
        ):
            painter.fillRect(QRectF(x, y + line / 4, line / 2, line / 2), colour)
            painter.setPen(self.palette().text().color())
            painter.drawText(int(x + line * 0.75), int(y + metrics.ascent()), text)
            x += line + metrics.horizontalAdvance(text) + 18
        painter.end()
