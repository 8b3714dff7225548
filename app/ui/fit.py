"""Every window and dialog inside the screen's available area (issue 10: 1366×768 laptops).

:func:`fit_to_screen` sizes a top-level widget to the size it asks for, bounded by the
available geometry of its screen (the screen without the taskbar or dock) less room for the
window frame, and moves it inside that area. Call it where a window would call ``resize()``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: Room kept for the frame the window manager draws around a window (title bar, borders)
#: while it is not shown yet and its real frame is unknown.
FRAME = QMargins(8, 32, 8, 8)


def available_geometry(widget: QWidget | None = None) -> QRect:
    """The area windows may use on *widget*'s screen (the primary screen by default)."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def frame_margins(widget: QWidget) -> QMargins:
    """The frame around *widget*: the real one once shown, else :data:`FRAME`."""
    outer, inner = widget.frameGeometry(), widget.geometry()
    real = QMargins(
        inner.left() - outer.left(),
        inner.top() - outer.top(),
        outer.right() - inner.right(),
        outer.bottom() - inner.bottom(),
    )
    if widget.isVisible() and (real.top() or real.left()):
        return real
    return FRAME


def fit_to_screen(widget: QWidget, width: int | None = None, height: int | None = None) -> QSize:
    """Resize *widget* to width × height (default: its size hint), no larger than the available
    area of its screen less its frame; when it is shown (its layout complete, a dialog centred
    on its parent by Qt), bound it again and move it inside that area. Returns the size given."""
    hint = widget.sizeHint()
    wanted = QSize(width or hint.width(), height or hint.height())
    size = wanted.boundedTo(_room(widget).size())
    widget.resize(size)
    if widget.findChild(_Fitter, "fit_to_screen") is None:
        widget.installEventFilter(_Fitter(widget))
    return size


def _room(widget: QWidget) -> QRect:
    return available_geometry(widget).marginsRemoved(frame_margins(widget))


def bound_to_screen(widget: QWidget) -> None:
    """Shrink and move *widget* (a window) into the available area of its screen."""
    room = _room(widget)
    size = widget.size().boundedTo(room.size())
    minimum = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    if minimum.width() > size.width() or minimum.height() > size.height():
        # a layout's minimum taller than the screen would push the buttons off it: squeeze it
        widget.setMinimumSize(minimum.boundedTo(size))
    place = widget.geometry()
    x = min(max(place.x(), room.left()), room.right() + 1 - size.width())
    y = min(max(place.y(), room.top()), room.bottom() + 1 - size.height())
    if QRect(QPoint(x, y), size) != place:
        widget.setGeometry(QRect(QPoint(x, y), size))  # a window's geometry leaves out its frame


class _Fitter(QObject):
    """Bounds its window when it is shown (see :func:`fit_to_screen`)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.setObjectName("fit_to_screen")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            bound_to_screen(watched)
        return False


def fits(widget: QWidget, area: QRect | None = None) -> bool:
    """Whether *widget* with its frame lies inside *area* (its screen's available area)."""
    area = area or available_geometry(widget)
    return area.contains(widget.geometry().marginsAdded(frame_margins(widget)))
