"""The e-mail body editor: a visual (rich-text) view for everyone, the HTML source for imported
files and power users, and the toolbar of both.

The visual view is a Qt rich-text document; what Cible stores and sends from it is the clean
HTML of :func:`app.export.email.richtext.clean_editor_html` (plain tags, no Qt boilerplate,
merge fields as typed). Switching views keeps the content. An e-mail the visual view would
change (its own style sheet, classes, a table layout: :func:`~app.export.email.richtext.
visual_obstacle`) stays in the HTML view, and the window says why.

Images (a logo) are kept by content id in :attr:`EmailBodyEditor.images` and shown from there;
the template stores them with it. The compact editor (a site's signature) has no logo and no
merge fields: its HTML is a fragment, not a document.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QEvent, QMimeData, QObject, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QFont,
    QFontDatabase,
    QImage,
    QKeyEvent,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextImageFormat,
    QTextListFormat,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QTabWidget,
    QTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.errors import CibleError
from app.export.email.richtext import (
    EDITOR_STYLE_SHEET,
    check_image,
    clean_editor_html,
    clean_fragment,
    editor_body,
    new_cid,
    visual_obstacle,
)
from app.export.email.templates import DEFAULT_MAX_BYTES

VISUAL, SOURCE = 0, 1
# widest image inserted (pixels): about the width of an e-mail in a mail client
MAX_IMAGE_WIDTH = 560
_OWN_KEYS = {
    (Qt.Key.Key_B, "bold"),
    (Qt.Key.Key_I, "italic"),
    (Qt.Key.Key_K, "link"),
}

Images = dict[str, tuple[bytes, str]]
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif"}


class _VisualEdit(QTextEdit):
    """The visual view: what is pasted comes in as the tags the editor keeps (a page or a Word
    document brings no fonts, colours or tables), and a pasted picture becomes an image of the
    e-mail, like "Logo…"."""

    def __init__(self, owner: EmailBodyEditor) -> None:
        super().__init__()
        self._owner = owner

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt's name
        files = [u.toLocalFile() for u in source.urls() if u.isLocalFile()] if source.hasUrls() else []
        if files and all(Path(f).suffix.lower() in _IMAGE_SUFFIXES for f in files):
            if not self._owner.compact:  # a signature has no images
                for path in files:  # image files dropped or pasted: like "Logo…"
                    self._owner.insert_image_file(path)
            return
        if source.hasImage() and not source.hasHtml():
            image = source.imageData()
            if not self._owner.compact and isinstance(image, QImage) and not image.isNull():
                buffer = QBuffer()
                buffer.open(QBuffer.OpenModeFlag.WriteOnly)
                image.save(buffer, "PNG")
                self._owner.insert_image_data(bytes(buffer.data()), self.tr("clipboard.png"))
            return
        if source.hasHtml():
            fragment = self._owner.pasted_fragment(source.html())
            if fragment:
                self.textCursor().insertHtml(fragment)
                return
        if source.hasText():
            self.textCursor().insertText(source.text())


class EmailBodyEditor(QWidget):
    """Signals: ``changed`` when the content changes (typing, a template loaded), ``failed(message)``
    when an image or a file cannot be used (one line, nothing inserted)."""

    changed = Signal()
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self.compact = compact
        self.images: Images = {}
        # the largest e-mail (bytes): an image alone cannot be larger (the settings say)
        self.max_bytes = DEFAULT_MAX_BYTES
        self._syncing = False
        self._loaded = ""  # the HTML the visual view was loaded from, given back while unchanged
        self._shown = VISUAL
        self._build()

    # -- layout -----------------------------------------------------------------------------
    def _action(self, text: str, tip: str, slot: Any, keys: QKeySequence | str | None = None) -> QAction:
        action = QAction(text, self)
        if keys is not None:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            tip += f" ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build(self) -> None:
        self.bold_action = self._action(self.tr("Bold"), self.tr("Bold"), self.toggle_bold, "Ctrl+B")
        self.bold_action.setCheckable(True)
        self.bold_action.setObjectName("bold_action")
        bold_font = QFont()
        bold_font.setBold(True)
        self.bold_action.setFont(bold_font)
        self.italic_action = self._action(
            self.tr("Italic"), self.tr("Italic"), self.toggle_italic, "Ctrl+I"
        )
        self.italic_action.setCheckable(True)
        self.italic_action.setObjectName("italic_action")
        italic_font = QFont()
        italic_font.setItalic(True)
        self.italic_action.setFont(italic_font)
        self.link_action = self._action(
            self.tr("Link…"), self.tr("Make the selection a link (web or e-mail address)"), self.ask_link, "Ctrl+K"
        )
        self.link_action.setObjectName("link_action")
        self.list_action = self._action(self.tr("• List"), self.tr("Bulleted list"), self.toggle_list)
        self.list_action.setCheckable(True)
        self.list_action.setObjectName("list_action")
        self.logo_action = self._action(
            self.tr("Logo…"),
            self.tr("Insert an image (PNG, JPEG or GIF) sent with the e-mail"),
            self.choose_image,
        )
        self.logo_action.setObjectName("logo_action")
        self.undo_action = self._action(self.tr("Undo"), self.tr("Undo"), self.undo, QKeySequence.StandardKey.Undo)
        self.undo_action.setEnabled(False)
        self.redo_action = self._action(self.tr("Redo"), self.tr("Redo"), self.redo, QKeySequence.StandardKey.Redo)
        self.redo_action.setEnabled(False)

        self.toolbar = QToolBar()
        self.toolbar.setObjectName("editor_toolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.bold_action, self.italic_action, self.link_action, self.list_action):
            self.toolbar.addAction(action)
        if not self.compact:
            self.toolbar.addAction(self.logo_action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.undo_action)
        self.toolbar.addAction(self.redo_action)
        if self.compact:
            self.removeAction(self.logo_action)

        self.visual_edit = _VisualEdit(self)
        self.visual_edit.setObjectName("visual_edit")
        self.visual_edit.setAcceptRichText(True)
        self.visual_edit.setTabChangesFocus(True)
        document = self.visual_edit.document()
        document.setDefaultStyleSheet(EDITOR_STYLE_SHEET)
        font = QFont("Arial")
        font.setStyleHint(QFont.StyleHint.SansSerif)
        font.setPixelSize(14)
        document.setDefaultFont(font)
        self.visual_edit.textChanged.connect(self._visual_changed)
        self.visual_edit.currentCharFormatChanged.connect(self._show_format)
        self.visual_edit.cursorPositionChanged.connect(self._show_list)
        self.visual_edit.undoAvailable.connect(lambda on: self._undo_state())
        self.visual_edit.redoAvailable.connect(lambda on: self._undo_state())
        self.visual_edit.installEventFilter(self)

        self.html_edit = QPlainTextEdit()
        self.html_edit.setObjectName("html_edit")
        self.html_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.html_edit.setTabChangesFocus(True)
        self.html_edit.textChanged.connect(self._source_changed)
        self.html_edit.undoAvailable.connect(lambda on: self._undo_state())
        self.html_edit.redoAvailable.connect(lambda on: self._undo_state())

        self.tabs = QTabWidget()
        self.tabs.setObjectName("editor_tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.visual_edit, self.tr("Text"))
        self.tabs.addTab(self.html_edit, self.tr("HTML"))
        self.tabs.setTabToolTip(VISUAL, self.tr("Write the e-mail as it will look"))
        self.tabs.setTabToolTip(
            SOURCE, self.tr("The e-mail's HTML: for imported pages and to fine-tune the layout")
        )
        self.tabs.currentChanged.connect(self._tab_changed)

        self.note_label = QLabel()
        self.note_label.setObjectName("note_label")
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet("color: #8a5a00")
        self.note_label.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.note_label)
        if self.compact:
            self.tabs.setFixedHeight(130)
            self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    # -- content ----------------------------------------------------------------------------
    @property
    def visual(self) -> bool:
        """True when the visual view is the one shown (and edited)."""
        return self.tabs.currentIndex() == VISUAL

    def html(self) -> str:
        """The HTML to store and send: as loaded while the visual view was not changed, the
        clean HTML of the visual view, or the HTML view's text."""
        if not self.visual:
            return self.html_edit.toPlainText()
        if not self.visual_edit.document().isModified():
            return self._loaded
        qt_html = self.visual_edit.toHtml()
        return clean_fragment(qt_html) if self.compact else clean_editor_html(qt_html)

    def set_html(self, source: str, images: Images | None = None) -> None:
        """Show *source* (with its *images*): in the visual view when it loses nothing there,
        else in the HTML view, with the reason under it."""
        self.images = dict(images or {})
        self._syncing = True
        try:
            self.html_edit.setPlainText(source)
            obstacle = visual_obstacle(source)
            self._show_obstacle(obstacle)
            if obstacle is None:
                self._load_visual(source)
                self.tabs.setCurrentIndex(VISUAL)
            else:
                self._load_visual("")
                self.tabs.setCurrentIndex(SOURCE)
            self._shown = self.tabs.currentIndex()
        finally:
            self._syncing = False
        self._show_format(self.visual_edit.currentCharFormat())
        self._undo_state()
        self.changed.emit()

    def clear(self) -> None:
        self.set_html("", {})

    def _load_visual(self, source: str) -> None:
        document = self.visual_edit.document()
        for cid, (data, _subtype) in self.images.items():
            self.register_image(document, cid, data)
        self.visual_edit.setHtml(editor_body(source) if source.strip() else "")
        document.setModified(False)
        self._loaded = source

    @staticmethod
    def register_image(document: QTextDocument, cid: str, data: bytes) -> None:
        """Let *document* show the image of content id *cid* (``<img src="cid:…">``)."""
        image = QImage.fromData(data)
        if not image.isNull():
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"cid:{cid}"), image)

    def _show_obstacle(self, obstacle: str | None) -> None:
        self.tabs.setTabEnabled(VISUAL, obstacle is None)
        if obstacle is None:
            self.note_label.setVisible(False)
            return
        if obstacle == "style":
            what = self.tr("its own style sheet (<style>)")
        elif obstacle.startswith("tag:"):
            what = self.tr("its layout (<%1>)").replace("%1", obstacle[4:])
        elif obstacle.startswith("attribute:"):
            what = self.tr("its %1 attributes").replace("%1", obstacle.partition(":")[2])
        else:
            what = self.tr("its HTML, which cannot be read")
        self.note_label.setText(
            self.tr(
                "This e-mail is edited as HTML: the Text view would lose %1. Without that, "
                "you could write it in the Text view."
            ).replace("%1", what)
        )
        self.note_label.setVisible(True)

    def _visual_changed(self) -> None:
        if not self._syncing:
            self.changed.emit()

    def _source_changed(self) -> None:
        if self._syncing:
            return
        if self.visual:  # set from outside while the visual view is shown: show it there
            self.set_html(self.html_edit.toPlainText(), self.images)
            return
        self._show_obstacle(visual_obstacle(self.html_edit.toPlainText()))
        self.changed.emit()

    def _tab_changed(self, index: int) -> None:
        if self._syncing or index == self._shown:
            return
        self._syncing = True
        try:
            if index == SOURCE:  # what the visual view holds, as HTML
                document = self.visual_edit.document()
                if document.isModified():
                    qt_html = self.visual_edit.toHtml()
                    text = clean_fragment(qt_html) if self.compact else clean_editor_html(qt_html)
                else:
                    text = self._loaded
                if text != self.html_edit.toPlainText():
                    self.html_edit.setPlainText(text)
            else:
                self._load_visual(self.html_edit.toPlainText())
            self._shown = index
        finally:
            self._syncing = False
        self._undo_state()
        self._show_format(self.visual_edit.currentCharFormat())

    # -- toolbar ----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Ctrl+B, Ctrl+I and Ctrl+K in the visual view are the toolbar's (Qt's text view
        takes Ctrl+K for "delete to the end of the line" on some systems)."""
        if watched is self.visual_edit and event.type() in (
            QEvent.Type.ShortcutOverride,
            QEvent.Type.KeyPress,
        ):
            key_event: QKeyEvent = event  # type: ignore[assignment]
            if (
                event.type() == QEvent.Type.KeyPress
                and key_event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and key_event.modifiers() == Qt.KeyboardModifier.NoModifier
            ):
                cursor = self.visual_edit.textCursor()
                if cursor.currentList() is not None and not cursor.block().text():
                    self.toggle_list()  # Enter on an empty item ends the list
                    return True
            if key_event.modifiers() == Qt.KeyboardModifier.ControlModifier:
                for key, name in _OWN_KEYS:
                    if key_event.key() == key:
                        event.accept()
                        if event.type() == QEvent.Type.KeyPress:
                            getattr(self, f"{name}_action").trigger()
                        return True
        return super().eventFilter(watched, event)

    def _show_format(self, fmt: QTextCharFormat) -> None:
        self.bold_action.setChecked(self.visual and fmt.fontWeight() >= QFont.Weight.DemiBold)
        self.italic_action.setChecked(self.visual and fmt.fontItalic())
        self._show_list()

    def _show_list(self) -> None:
        self.list_action.setChecked(self.visual and self.visual_edit.textCursor().currentList() is not None)

    def _undo_state(self) -> None:
        document = self.visual_edit.document() if self.visual else self.html_edit.document()
        self.undo_action.setEnabled(document.isUndoAvailable())
        self.redo_action.setEnabled(document.isRedoAvailable())

    def undo(self) -> None:
        (self.visual_edit if self.visual else self.html_edit).undo()

    def redo(self) -> None:
        (self.visual_edit if self.visual else self.html_edit).redo()

    def _merge(self, fmt: QTextCharFormat) -> None:
        self.visual_edit.mergeCurrentCharFormat(fmt)
        self.visual_edit.setFocus()

    def toggle_bold(self, checked: bool = False) -> None:
        if not self.visual:
            self.wrap_source("<b>", "</b>")
            return
        fmt = QTextCharFormat()
        fmt.setFontWeight(QFont.Weight.Bold if self.bold_action.isChecked() else QFont.Weight.Normal)
        self._merge(fmt)

    def toggle_italic(self, checked: bool = False) -> None:
        if not self.visual:
            self.wrap_source("<i>", "</i>")
            return
        fmt = QTextCharFormat()
        fmt.setFontItalic(self.italic_action.isChecked())
        self._merge(fmt)

    def toggle_list(self, checked: bool = False) -> None:
        if not self.visual:
            self.wrap_source("<ul>\n<li>", "</li>\n</ul>")
            return
        cursor = self.visual_edit.textCursor()
        current = cursor.currentList()
        if current is None:
            cursor.createList(QTextListFormat.Style.ListDisc)
        else:
            document = self.visual_edit.document()
            first = document.findBlock(cursor.selectionStart())
            last = document.findBlock(cursor.selectionEnd())
            cursor.beginEditBlock()
            block = first
            while block.isValid():
                if block.textList() is not None:
                    block.textList().remove(block)
                    edit = QTextCursor(block)
                    fmt = edit.blockFormat()
                    fmt.setIndent(0)
                    edit.setBlockFormat(fmt)
                if block == last:
                    break
                block = block.next()
            cursor.endEditBlock()
        self._show_list()
        self.visual_edit.setFocus()

    def ask_link(self, checked: bool = False) -> None:
        current = self.visual_edit.textCursor().charFormat().anchorHref() if self.visual else ""
        url, ok = QInputDialog.getText(
            self,
            self.tr("Link"),
            self.tr("Address (https://… or mailto:…):"),
            text=current or "https://",
        )
        if ok and url.strip() and url.strip() != "https://":
            self.insert_link(url.strip())

    def insert_link(self, url: str) -> None:
        """Make the selection a link to *url*; without a selection, insert *url* as a link."""
        if not self.visual:
            self.wrap_source(f'<a href="{html.escape(url, quote=True)}">', "</a>")
            return
        cursor = self.visual_edit.textCursor()
        fmt = QTextCharFormat()
        fmt.setAnchor(True)
        fmt.setAnchorHref(url)
        fmt.setFontUnderline(True)
        fmt.setForeground(self.palette().link())
        cursor.beginEditBlock()
        if cursor.hasSelection():
            cursor.mergeCharFormat(fmt)
        else:
            cursor.insertText(url, fmt)
        cursor.endEditBlock()
        # what is typed after the link is not part of it
        after = QTextCharFormat(cursor.charFormat())
        after.setAnchor(False)
        after.setAnchorHref("")
        after.setFontUnderline(False)
        after.clearForeground()
        cursor.clearSelection()
        self.visual_edit.setTextCursor(cursor)
        self.visual_edit.setCurrentCharFormat(after)
        self.visual_edit.setFocus()

    def insert_text(self, text: str) -> None:
        """Insert *text* (a merge field) where the cursor is, in the view shown."""
        if self.visual:
            self.visual_edit.insertPlainText(text)
            self.visual_edit.setFocus()
        else:
            self.html_edit.insertPlainText(text)
            self.html_edit.setFocus()

    def pasted_fragment(self, source: str) -> str:
        """What the visual view inserts for pasted HTML: the tags it keeps, without the images
        that are not the e-mail's own (a web page's pictures would be fetched from elsewhere)."""
        return clean_fragment(source, images=set(self.images))

    def wrap_source(self, before: str, after: str) -> None:
        """HTML view: put the selection between *before* and *after*."""
        cursor = self.html_edit.textCursor()
        selected = cursor.selectedText().replace("\u2029", "\n")
        cursor.insertText(before + selected + after)
        if not selected:
            cursor.movePosition(QTextCursor.MoveOperation.Left, n=len(after))
            self.html_edit.setTextCursor(cursor)
        self.html_edit.setFocus()

    # -- images -----------------------------------------------------------------------------
    def choose_image(self, checked: bool = False) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Insert a logo"), "", self.tr("Images (*.png *.jpg *.jpeg *.gif)")
        )
        if path:
            self.insert_image_file(path)

    def insert_image_file(self, path: str) -> str | None:
        """Insert the image file at the cursor; return its content id, or ``None`` after
        ``failed`` said why (not an image, too large, unreadable)."""
        name = Path(path).name
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            self.failed.emit(self.tr("Cannot read the file: %1").replace("%1", str(error)))
            return None
        return self.insert_image_data(data, name)

    def insert_image_data(self, data: bytes, name: str) -> str | None:
        """Insert an image (the bytes of a PNG, JPEG or GIF file) at the cursor; see
        :meth:`insert_image_file`."""
        try:
            subtype = check_image(data, name, self.max_bytes)
        except CibleError as error:
            self.failed.emit(str(error))
            return None
        image = QImage.fromData(data)
        if image.isNull():
            self.failed.emit(self.tr("%1 cannot be read as an image.").replace("%1", name))
            return None
        cid = new_cid()
        self.images[cid] = (data, subtype)
        width = min(image.width(), MAX_IMAGE_WIDTH)
        height = round(image.height() * width / image.width()) if image.width() else image.height()
        if self.visual:
            self.register_image(self.visual_edit.document(), cid, data)
            fmt = QTextImageFormat()
            fmt.setName(f"cid:{cid}")
            fmt.setWidth(width)
            fmt.setHeight(height)
            self.visual_edit.textCursor().insertImage(fmt)
            self.visual_edit.setFocus()
        else:
            self.html_edit.insertPlainText(
                f'<img src="cid:{cid}" alt="Logo" width="{width}" height="{height}">'
            )
        return cid
