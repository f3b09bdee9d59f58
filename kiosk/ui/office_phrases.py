"""The office phrase editor (settings → 우리 기관 문구, behind the PIN): the office's own phrases —
its address, hours and local services — with their translations and reviews, and phrase packs to
share them with other offices.

The work is `translate.office`'s (the same book `changgu office` edits from a terminal): the
dialog edits an `OfficeBook` in memory, and nothing reaches the disk until Save, which writes only
the office phrase file (`kiosk.setup.paths.office_phrases()`). Every refusal of the book is a
message in the dialog; the edits stay. A file that cannot be read is never overwritten from here.

The questions (file names, the office name, "replace?", "remove?") are asked by the `ask_*`
methods; the work they lead to takes its answers as parameters (`export_to`, `import_from`,
`remove_selected`), so tests drive it without modal dialogs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from itertools import pairwise
from pathlib import Path

from PySide6.QtCore import QDir, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.core import strings
from kiosk.ui.fonts import font_for
from kiosk.ui.theme import THEME
from translate import languages
from translate.office import (
    ID_PREFIX,
    KOREAN,
    PACK_SUFFIX,
    ImportReport,
    OfficeBook,
    OfficeError,
    OfficePhrase,
    export_pack,
    import_pack,
)
from translate.phrasebook import SaidBy

BUTTON_HEIGHT_IN = 0.5  # touch targets: half an inch
COLUMNS = ("office_col_id", "office_col_side", "office_col_korean")
LANGUAGE_COLUMNS = ("office_col_translated", "office_col_reviewed")


def bundled_phrase_ids() -> frozenset[str]:
    """The ids of the shipped phrasebook, which a pack may never replace."""
    from translate.phrasebook import Phrasebook

    return frozenset(phrase.id for phrase in Phrasebook.load())


class OfficePhrasesDialog(QDialog):
    """Add, change, translate, review and remove the office's phrases; export and import packs."""

    saved = Signal(int)  # the book was written (how many phrases): the kiosk should take it up

    def __init__(
        self,
        path: Path,
        dpi: float,
        bundled_ids: Callable[[], Collection[str]] = bundled_phrase_ids,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(strings.staff("office_title"))
        self.path = path
        self.dpi = dpi
        self.bundled_ids = bundled_ids
        self.dirty = False
        self.saves = 0
        self.load_problem = ""
        try:
            self.book = OfficeBook.load(path)
        except OfficeError as exc:  # a damaged file is left for staff to mend, never overwritten
            self.book = OfficeBook()
            self.load_problem = strings.staff("office_cannot_load", error=exc)
        self._build()
        self._fill_table()
        self._show_selected()
        if self.load_problem:
            self._say(self.load_problem, THEME.untranslated)
            self.save_button.setEnabled(False)
            self.import_button.setEnabled(False)

    # -- building --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.setFont(font_for(KOREAN, 3.0, self.dpi))
        self.table = QTableWidget(0, len(COLUMNS) + len(LANGUAGE_COLUMNS))
        self.table.setHorizontalHeaderLabels(
            [strings.staff(key) for key in COLUMNS + LANGUAGE_COLUMNS]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(round(self.dpi * BUTTON_HEIGHT_IN))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._show_selected)

        self.new_id = QLineEdit()
        self.new_id.setPlaceholderText(strings.staff("office_id_hint"))
        self.new_side = _side_box()
        self.new_korean = QLineEdit()
        self.add_button = QPushButton(strings.staff("office_add"))
        self.add_button.clicked.connect(self.add_phrase)
        for field in (self.new_id, self.new_korean):
            field.returnPressed.connect(self.add_phrase)
        id_row = QHBoxLayout()
        id_row.addWidget(QLabel(ID_PREFIX))
        id_row.addWidget(self.new_id, stretch=1)
        new_box = QGroupBox(strings.staff("office_new"))
        new_form = _form(new_box)
        new_form.addRow(strings.staff("office_id"), id_row)
        new_form.addRow(strings.staff("office_side"), self.new_side)
        new_form.addRow(strings.staff("office_korean"), self.new_korean)
        new_form.addRow(self.add_button)

        self.edit_side = _side_box()
        self.edit_korean = QLineEdit()
        self.edit_korean.returnPressed.connect(self.apply_edit)
        self.apply_button = QPushButton(strings.staff("office_apply"))
        self.apply_button.clicked.connect(self.apply_edit)
        self.remove_button = QPushButton(strings.staff("office_remove"))
        self.remove_button.setObjectName("danger")
        self.remove_button.clicked.connect(self.ask_remove)
        self.edit_box = QGroupBox(strings.staff("office_none_selected"))
        edit_form = _form(self.edit_box)
        edit_form.addRow(strings.staff("office_side"), self.edit_side)
        edit_form.addRow(strings.staff("office_korean"), self.edit_korean)
        edit_buttons = QHBoxLayout()
        edit_buttons.addWidget(self.apply_button, stretch=1)
        edit_buttons.addWidget(self.remove_button)
        edit_form.addRow(edit_buttons)

        self.language = QComboBox()
        for language in languages.all():
            if language.code != KOREAN:
                self.language.addItem(f"{language.native} ({language.code})", language.code)
                self.language.setItemData(
                    self.language.count() - 1, self._font(language.code), Qt.ItemDataRole.FontRole
                )
        self.language.currentIndexChanged.connect(lambda _: self._show_translation())
        self.translation = QLineEdit()
        self.typed_by = QLineEdit()
        for field in (self.translation, self.typed_by):
            field.returnPressed.connect(self.apply_translation)
        self.translate_button = QPushButton(strings.staff("office_translate"))
        self.translate_button.clicked.connect(self.apply_translation)
        self.translation_state = QLabel()
        self.translation_state.setObjectName("muted")
        self.translation_state.setWordWrap(True)
        self.reviewer = QLineEdit()
        self.reviewer.returnPressed.connect(self.mark_reviewed)
        self.review_button = QPushButton(strings.staff("office_review"))
        self.review_button.clicked.connect(self.mark_reviewed)
        self.translation_box = QGroupBox(strings.staff("office_translation"))
        tr_form = _form(self.translation_box)
        tr_form.addRow(strings.staff("office_language"), self.language)
        tr_form.addRow(self.translation_state)
        tr_form.addRow(strings.staff("office_text"), self.translation)
        tr_form.addRow(strings.staff("office_typed_by"), self.typed_by)
        tr_form.addRow(self.translate_button)
        tr_form.addRow(strings.staff("office_reviewed_by"), self.reviewer)
        tr_form.addRow(self.review_button)

        self.note = QLabel(strings.staff("office_restart_note"))
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.import_button = QPushButton(strings.staff("office_import"))
        self.import_button.clicked.connect(self.ask_import)
        self.export_button = QPushButton(strings.staff("office_export"))
        self.export_button.clicked.connect(self.ask_export)
        self.save_button = QPushButton(strings.staff("office_save"))
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton(strings.staff("office_close"))
        self.close_button.clicked.connect(self.reject)

        left = QVBoxLayout()
        left.addWidget(self.table, stretch=1)
        left.addWidget(self.note)
        right = QVBoxLayout()
        right.addWidget(new_box)
        right.addWidget(self.edit_box)
        right.addWidget(self.translation_box)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, stretch=3)
        columns.addLayout(right, stretch=2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, stretch=1)
        for button in (self.import_button, self.export_button, self.save_button):
            bottom.addWidget(button)
        bottom.addWidget(self.close_button)
        root = QVBoxLayout(self)
        root.addLayout(columns, stretch=1)
        root.addLayout(bottom)
        for button in self.findChildren(QPushButton):
            button.setMinimumHeight(round(self.dpi * BUTTON_HEIGHT_IN))
            button.setAutoDefault(False)  # Enter belongs to the field being typed in
        fields: list[QWidget] = [*self.findChildren(QLineEdit), *self.findChildren(QComboBox)]
        for widget in fields:
            widget.setMinimumHeight(round(self.dpi * BUTTON_HEIGHT_IN))
        self._order_tabs()
        self.resize(round(self.dpi * 16), round(self.dpi * 9))

    def _order_tabs(self) -> None:
        order: list[QWidget] = [
            self.table,
            self.new_id,
            self.new_side,
            self.new_korean,
            self.add_button,
            self.edit_side,
            self.edit_korean,
            self.apply_button,
            self.remove_button,
            self.language,
            self.translation,
            self.typed_by,
            self.translate_button,
            self.reviewer,
            self.review_button,
            self.import_button,
            self.export_button,
            self.save_button,
            self.close_button,
        ]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    # -- the list --------------------------------------------------------------------------------

    @property
    def selected_id(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 and self.table.selectedItems() else None
        return item.text() if item is not None else None

    def select(self, phrase_id: str) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.text() == phrase_id:
                self.table.selectRow(row)
                return

    def _fill_table(self, select: str | None = None) -> None:
        current = select or self.selected_id
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(0)
        for phrase in self.book.phrases():
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, text in enumerate(_row(phrase)):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        if current is not None and current in self.book:
            self.select(current)
        self._show_selected()

    @property
    def selected(self) -> OfficePhrase | None:
        phrase_id = self.selected_id
        return (
            self.book.get(phrase_id) if phrase_id is not None and phrase_id in self.book else None
        )

    def _show_selected(self) -> None:
        phrase = self.selected
        for widget in (self.edit_box, self.translation_box):
            widget.setEnabled(phrase is not None)
        if phrase is None:
            self.edit_box.setTitle(strings.staff("office_none_selected"))
            self.edit_korean.clear()
        else:
            self.edit_box.setTitle(strings.staff("office_selected", id=phrase.id))
            self.edit_side.setCurrentIndex(max(0, self.edit_side.findData(phrase.side.value)))
            self.edit_korean.setText(phrase.korean)
        self._show_translation()

    def _show_translation(self) -> None:
        phrase = self.selected
        entry = phrase.texts.get(self.lang) if phrase is not None else None
        self.translation.setFont(self._font(self.lang))
        self.translation.setText(entry.text if entry else "")
        self.typed_by.setText(entry.by if entry else "")
        self.reviewer.clear()
        if entry is None:
            state = strings.staff("office_no_text")
        elif entry.reviewed:
            state = strings.staff("office_review_state", by=entry.by, reviewer=entry.reviewed_by)
        else:
            state = strings.staff("office_not_reviewed", by=entry.by)
        self.translation_state.setText(state)
        self.review_button.setEnabled(entry is not None)

    @property
    def lang(self) -> str:
        return str(self.language.currentData())

    def choose_language(self, code: str) -> None:
        self.language.setCurrentIndex(max(0, self.language.findData(code)))

    # -- editing ---------------------------------------------------------------------------------

    def add_phrase(self) -> bool:
        phrase_id = ID_PREFIX + self.new_id.text().strip().removeprefix(ID_PREFIX)
        side = str(self.new_side.currentData())
        if not self._do(lambda: self.book.add(phrase_id, side, self.new_korean.text())):
            return False
        self.new_id.clear()
        self.new_korean.clear()
        self._changed(phrase_id, strings.staff("office_added", id=phrase_id))
        return True

    def apply_edit(self) -> bool:
        phrase_id = self._need_selected()
        if phrase_id is None:
            return False
        side = str(self.edit_side.currentData())
        texts = {KOREAN: self.edit_korean.text()}
        if not self._do(lambda: self.book.edit(phrase_id, side=side, texts=texts)):
            return False
        self._changed(phrase_id, strings.staff("office_changed", id=phrase_id))
        return True

    def apply_translation(self) -> bool:
        phrase_id = self._need_selected()
        if phrase_id is None:
            return False
        text, by, lang = self.translation.text().strip(), self.typed_by.text().strip(), self.lang
        if not text:
            return self._refuse(strings.staff("office_need_text"), self.translation)
        if not by:
            return self._refuse(strings.staff("office_need_typed_by"), self.typed_by)
        if not self._do(lambda: self.book.translate(phrase_id, lang, text, by=by)):
            return False
        self._changed(
            phrase_id, strings.staff("office_translated", id=phrase_id, language=lang, by=by)
        )
        return True

    def mark_reviewed(self) -> bool:
        phrase_id = self._need_selected()
        if phrase_id is None:
            return False
        reviewer, lang = self.reviewer.text().strip(), self.lang
        if not reviewer:
            return self._refuse(strings.staff("office_need_reviewer"), self.reviewer)
        if not self._do(lambda: self.book.review(phrase_id, lang, by=reviewer)):
            return False
        self._changed(
            phrase_id, strings.staff("office_reviewed", id=phrase_id, language=lang, by=reviewer)
        )
        return True

    def ask_remove(self) -> None:
        phrase_id = self._need_selected()
        if phrase_id is None:
            return
        answer = QMessageBox.question(
            self,
            strings.staff("office_title"),
            strings.staff("office_remove_confirm", id=phrase_id),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_selected()

    def remove_selected(self) -> bool:
        """Remove the selected phrase (staff were asked first, by `ask_remove`)."""
        phrase_id = self._need_selected()
        if phrase_id is None or not self._do(lambda: self.book.remove(phrase_id)):
            return False
        self._changed(None, strings.staff("office_removed", id=phrase_id))
        return True

    # -- packs -----------------------------------------------------------------------------------

    def ask_export(self) -> None:
        office, ok = QInputDialog.getText(
            self, strings.staff("office_export"), strings.staff("office_office_name")
        )
        if not ok or not office.strip():
            return
        suggested = Path(QDir.homePath()) / f"{office.strip()}{PACK_SUFFIX}"
        path, _ = QFileDialog.getSaveFileName(
            self,
            strings.staff("office_export"),
            str(suggested),
            strings.staff("office_pack_filter"),
        )
        if path:
            self.export_to(Path(path), office.strip())

    def export_to(self, path: Path, office: str) -> Path | None:
        """The book as it is in the dialog, as a pack at `path` (a file or a folder)."""
        written: list[Path] = []
        if not self._do(lambda: written.append(export_pack(self.book, path, office=office))):
            return None
        self._say(
            strings.staff("office_exported", count=len(self.book), path=written[0]), THEME.verified
        )
        return written[0]

    def ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            strings.staff("office_import"),
            QDir.homePath(),
            strings.staff("office_pack_filter"),
        )
        if path:
            self.import_from(Path(path), confirm_replace=self._confirm_replace)

    def import_from(
        self, path: Path, confirm_replace: Callable[[ImportReport], bool] = lambda _: False
    ) -> ImportReport | None:
        """Add the pack's phrases to the book, all or nothing. When the counter already has some
        of its ids, `confirm_replace` (a question to staff) decides whether they are replaced."""
        reports: list[ImportReport] = []

        def run(replace: bool) -> None:
            reports.append(
                import_pack(path, self.book, bundled_ids=self.bundled_ids(), replace=replace)
            )

        if not self._do(lambda: run(False)):
            return None
        report = reports[-1]
        if not report.imported:
            if not confirm_replace(report):
                self._say(strings.staff("office_import_cancelled"), THEME.muted)
                return report
            if not self._do(lambda: run(True)):
                return None
            report = reports[-1]
        first = (report.added + report.replaced)[:1]
        self._changed(
            first[0] if first else None,
            strings.staff(
                "office_imported",
                office=report.office,
                created=report.created.isoformat(),
                added=len(report.added),
                replaced=len(report.replaced),
            ),
        )
        return report

    def _confirm_replace(self, report: ImportReport) -> bool:
        answer = QMessageBox.question(
            self,
            strings.staff("office_import"),
            strings.staff(
                "office_conflicts", count=len(report.conflicts), ids=_ids(report.conflicts)
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    # -- saving and closing ----------------------------------------------------------------------

    def save(self) -> bool:
        """Write the office phrase file; on failure the edits stay here and staff can retry."""
        if self.load_problem:
            self._say(self.load_problem, THEME.untranslated)
            return False
        try:
            self.book.save(self.path)
        except (OfficeError, OSError) as exc:
            self._say(strings.staff("office_not_saved", error=exc), THEME.untranslated)
            return False
        self.dirty = False
        self.saves += 1
        self._say(strings.staff("office_saved", count=len(self.book)), THEME.verified)
        self.saved.emit(len(self.book))
        return True

    def reject(self) -> None:
        if self.dirty:
            answer = QMessageBox.question(
                self, strings.staff("office_title"), strings.staff("office_unsaved")
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().reject()

    # -- helpers ---------------------------------------------------------------------------------

    def _do(self, action: Callable[[], object]) -> bool:
        """Run one change of the book; its refusal is a message and nothing changes."""
        try:
            action()
        except OfficeError as exc:
            self._say(strings.staff("office_refused", error=exc), THEME.untranslated)
            return False
        return True

    def _changed(self, select: str | None, message: str) -> None:
        self.dirty = True
        self._fill_table(select)
        self._say(message, THEME.verified)

    def _need_selected(self) -> str | None:
        phrase_id = self.selected_id
        if phrase_id is None:
            self._refuse(strings.staff("office_need_phrase"), self.table)
        return phrase_id

    def _refuse(self, message: str, field: QWidget) -> bool:
        self._say(message, THEME.untranslated)
        field.setFocus()
        return False

    def _font(self, lang: str) -> QFont:
        """The dialog's font, or the language's own where its script needs one (Thai, Khmer…)."""
        if languages.get(lang).script in ("Latn", "Cyrl"):
            return self.font()
        return font_for(lang, 3.0, self.dpi)

    def _say(self, text: str, colour: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {colour};")


def _form(box: QGroupBox) -> QFormLayout:
    form = QFormLayout(box)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return form


def _side_box() -> QComboBox:
    box = QComboBox()
    for side in SaidBy:
        box.addItem(strings.staff(f"office_side_{side.value}"), side.value)
    return box


def _row(phrase: OfficePhrase) -> tuple[str, ...]:
    translated = [lang for lang in phrase.texts if lang != KOREAN]
    reviewed = [lang for lang in phrase.texts if lang in phrase.reviewed]
    return (
        phrase.id,
        strings.staff(f"office_side_{phrase.side.value}"),
        phrase.korean,
        ", ".join(translated),
        ", ".join(reviewed),
    )


def _ids(ids: tuple[str, ...], shown: int = 5) -> str:
    more = f" … (+{len(ids) - shown})" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more
