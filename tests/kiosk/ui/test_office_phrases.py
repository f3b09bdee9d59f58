"""The office phrase editor (settings → 우리 기관 문구) as staff use it: the real dialog on the real
office book in the test's own data folder; packs exported and imported through real files; every
refusal of the book a message in the dialog, with nothing lost."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QWidget,
)

from kiosk.core import strings
from kiosk.setup import paths
from kiosk.ui.office_phrases import OfficePhrasesDialog
from kiosk.ui.theme import REFERENCE_DPI, stylesheet
from tests.kiosk.ui.conftest import glyph_problems
from translate.office import OfficeBook

HOURS_KO = "운영 시간은 오전 9시부터 오후 6시까지입니다."
HOURS_VI = "Mở cửa từ 9 giờ sáng đến 6 giờ chiều."

pytestmark = pytest.mark.usefixtures("private_data")  # tests/conftest.py: CHANGGU_DATA_DIR


@pytest.fixture(autouse=True)
def _no_modal_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """A question no test answers must not wait for a person: "yes" (discard, on closing) and
    cancelled file and name dialogs, unless a test gives its own answers."""
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))


def answer(monkeypatch: pytest.MonkeyPatch, *answers: QMessageBox.StandardButton) -> None:
    """Staff's answers to the next questions, in order; "yes" to any after them."""
    left = list(answers)

    def question(*_args: object, **_kwargs: object) -> QMessageBox.StandardButton:
        return left.pop(0) if left else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)


def open_editor(qtbot: object, path: Path | None = None) -> OfficePhrasesDialog:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setStyleSheet(stylesheet())
    dialog = OfficePhrasesDialog(path or paths.office_phrases(), REFERENCE_DPI)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.show()
    qtbot.waitExposed(dialog)  # type: ignore[attr-defined]
    return dialog


@pytest.fixture
def editor(qtbot: object) -> Iterator[OfficePhrasesDialog]:
    dialog = open_editor(qtbot)
    yield dialog
    dialog.close()


def add_hours(d: OfficePhrasesDialog, side: str = "staff") -> None:
    d.new_id.setText("hours")
    d.new_side.setCurrentIndex(d.new_side.findData(side))
    d.new_korean.setText(HOURS_KO)
    d.add_button.click()
    assert d.selected_id == "office.hours", d.message.text()


def translate_vi(d: OfficePhrasesDialog, by: str = "Nguyen Thi Lan") -> None:
    d.choose_language("vi")
    d.translation.setText(HOURS_VI)
    d.typed_by.setText(by)
    d.translate_button.click()


def column(d: OfficePhrasesDialog, name: str) -> list[str]:
    index = ("id", "side", "ko", "translated", "reviewed").index(name)
    return [d.table.item(row, index).text() for row in range(d.table.rowCount())]


def test_add_translate_review_and_save(
    editor: OfficePhrasesDialog, tmp_path: Path, qtbot: object
) -> None:
    d = editor
    assert d.book.phrases() == [] and not d.edit_box.isEnabled()  # nothing chosen yet
    add_hours(d)
    assert column(d, "ko") == [HOURS_KO] and column(d, "side") == ["직원"]
    assert d.dirty and "저장" in d.message.text()

    d.translate_button.click()  # no text yet: said, and the text field has the focus
    assert d.message.text() == strings.staff("office_need_text")
    d.choose_language("vi")
    d.translation.setText(HOURS_VI)
    d.translate_button.click()  # who typed it is required
    assert d.message.text() == strings.staff("office_need_typed_by")
    translate_vi(d)
    assert column(d, "translated") == ["vi"] and column(d, "reviewed") == [""]
    assert (
        "Nguyen Thi Lan" in d.translation_state.text()
        and "검토 안 됨" in d.translation_state.text()
    )

    d.reviewer.setText("nguyen thi  LAN")  # the typist, spelt another way: the book refuses
    d.review_button.click()
    assert "cannot review it too" in d.message.text() and "바뀐 것 없음" in d.message.text()
    assert d.book.get("office.hours").reviewed == frozenset()
    d.reviewer.setText("Tran Van Minh")
    QTest.keyClick(d.reviewer, Qt.Key.Key_Return)  # Enter in the field does what its button does
    assert d.book.get("office.hours").reviewed == {"vi"}
    assert column(d, "reviewed") == ["vi"] and "Tran Van Minh" in d.translation_state.text()

    d.grab().save(str(tmp_path / "office-phrases.png"))
    assert glyph_problems(d) == []
    for button in d.findChildren(QPushButton):
        if button.isVisible():
            assert button.height() >= REFERENCE_DPI * 0.5, button.text()

    file = paths.office_phrases()
    assert not file.exists()  # nothing on disk before Save
    saved: list[int] = []
    d.saved.connect(saved.append)
    d.save_button.click()
    assert saved == [1] and not d.dirty and d.saves == 1
    phrase = OfficeBook.load(file).get("office.hours")
    assert phrase.korean == HOURS_KO and phrase.texts["vi"].reviewed_by == "Tran Van Minh"
    assert sorted(p.name for p in file.parent.iterdir()) == ["phrases.toml"]  # nothing else


def test_edit_clears_the_review_and_remove_asks_first(
    editor: OfficePhrasesDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = editor
    add_hours(d)
    translate_vi(d)
    d.reviewer.setText("Tran Van Minh")
    d.review_button.click()
    d.edit_side.setCurrentIndex(d.edit_side.findData("both"))
    d.edit_korean.setText("운영 시간: 9시-18시")
    d.apply_button.click()
    phrase = d.book.get("office.hours")
    assert phrase.side.value == "both" and phrase.korean == "운영 시간: 9시-18시"
    assert phrase.reviewed == {"vi"}  # the Vietnamese did not change: its review stays

    d.edit_korean.setText("")  # the book's rule: every phrase needs Korean
    d.apply_button.click()
    assert "Korean" in d.message.text() and d.book.get("office.hours").korean.startswith("운영")

    answer(monkeypatch, QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
    d.remove_button.click()
    assert "office.hours" in d.book  # "no"
    d.remove_button.click()
    assert "office.hours" not in d.book and d.table.rowCount() == 0
    assert not d.edit_box.isEnabled()


def test_mistakes_are_messages_and_the_dialog_keeps_working(editor: OfficePhrasesDialog) -> None:
    d = editor
    d.new_id.setText("Opening Hours")
    d.new_korean.setText(HOURS_KO)
    d.add_button.click()
    assert "office.<name>" in d.message.text() and len(d.book) == 0
    assert d.new_korean.text() == HOURS_KO  # what staff typed is still there to fix
    d.new_id.setText("hours")
    QTest.keyClick(d.new_korean, Qt.Key.Key_Return)
    assert "office.hours" in d.book
    add_again = d.add_phrase  # the same id twice
    d.new_id.setText("office.hours")
    d.new_korean.setText("다른 문장")
    assert not add_again() and "already exists" in d.message.text()
    d.choose_language("en")
    d.translation.setText("The fee is {amount} won.")
    d.typed_by.setText("Kim")
    d.translate_button.click()
    assert "slots" in d.message.text() and "en" not in d.book.get("office.hours").texts
    d.reviewer.setText("Park")
    assert not d.review_button.isEnabled()  # no English text to review
    assert not d.mark_reviewed() and "no en text" in d.message.text()


def test_export_then_import_into_a_fresh_book_with_conflicts(
    editor: OfficePhrasesDialog, qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_hours(editor)
    translate_vi(editor)
    stick = tmp_path / "usb"
    stick.mkdir()
    # the buttons ask for the office name and the file; answered here as staff would
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("jongno-gu", True))
    asked: list[str] = []

    def save_name(_parent: QWidget, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(stick / Path(suggested).name), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    editor.export_button.click()
    pack = stick / "jongno-gu.changgu-phrases"
    assert Path(asked[0]).name == pack.name and pack.is_file()
    assert str(pack) in editor.message.text()

    other_file = tmp_path / "other" / "phrases.toml"
    other = open_editor(qtbot, other_file)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(pack), ""))
    other.import_button.click()
    assert [p.id for p in other.book] == ["office.hours"]
    assert "jongno-gu" in other.message.text() and "1개 추가" in other.message.text()
    assert other.book.get("office.hours").texts["vi"].text == HOURS_VI
    other.edit_side.setCurrentIndex(other.edit_side.findData("visitor"))
    other.apply_button.click()
    assert other.save()

    before = other_file.read_bytes()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    other.import_button.click()  # a conflict, and staff keep their own
    assert other.message.text() == strings.staff("office_import_cancelled")
    assert other.book.get("office.hours").side.value == "visitor" and not other.dirty
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    other.import_button.click()  # now replaced with the pack's
    assert "1개 교체" in other.message.text() and other.dirty
    assert other.book.get("office.hours").side.value == "staff"
    assert other_file.read_bytes() == before  # only Save writes
    assert other.save()
    assert OfficeBook.load(other_file).get("office.hours").side.value == "staff"
    other.close()


def _repacked(pack: Path, out: Path, extra: dict[str, str]) -> Path:
    """`pack`'s members with `extra` added or replacing them: a hostile or altered pack."""
    with zipfile.ZipFile(pack) as source:
        members = {name: source.read(name).decode() for name in source.namelist()}
    members.update(extra)
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return out


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"../../evil.sh": "rm -rf /"}, "leads out of its folder"),
        ({"readme.txt": "hello"}, "unexpected file"),
        (
            {
                "phrases.toml": 'version = 1\n[[phrase]]\nid = "greet.hello"\nside = "staff"\n'
                '[phrase.text.ko]\ntext = "안녕하세요"\n'
            },
            "bundled phrasebook",
        ),
    ],
)
def test_a_hostile_pack_is_a_message_and_changes_nothing(
    editor: OfficePhrasesDialog, tmp_path: Path, extra: dict[str, str], words: str
) -> None:
    d = editor
    add_hours(d)
    pack = d.export_to(tmp_path / "good", "jongno-gu")
    assert pack is not None
    d.remove_selected()
    d.new_id.setText("desk")
    d.new_korean.setText("3번 창구로 가세요.")
    d.add_button.click()
    assert d.save()
    file = paths.office_phrases()
    before = file.read_bytes()
    hostile = _repacked(pack, tmp_path / "hostile.changgu-phrases", extra)
    assert d.import_from(hostile, confirm_replace=lambda _: True) is None
    assert words in d.message.text() and "Nothing was imported" in d.message.text()
    assert [p.id for p in d.book] == ["office.desk"] and not d.dirty
    assert file.read_bytes() == before
    assert not (tmp_path / "evil.sh").exists()
    add_hours(d)  # the dialog goes on working
    assert d.save()


def test_a_save_that_fails_is_a_message_and_keeps_the_edits(qtbot: object, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the office folder should be")
    d = open_editor(qtbot, tmp_path / "office" / "phrases.toml")
    add_hours(d)
    d.path = blocker / "phrases.toml"  # the data folder is gone (a stick pulled, a broken disk)
    assert not d.save()
    assert "저장하지 못했습니다" in d.message.text() and "cannot write" in d.message.text()
    assert d.dirty and "office.hours" in d.book and d.table.rowCount() == 1
    d.path = tmp_path / "elsewhere" / "phrases.toml"  # the disk is back: saving again works
    assert d.save() and OfficeBook.load(d.path).get("office.hours").korean == HOURS_KO
    d.close()


def test_a_damaged_file_is_never_overwritten(qtbot: object) -> None:
    file = paths.office_phrases()
    file.parent.mkdir(parents=True)
    file.write_text("version = 1\n[[phrase]]\nid = 'office.x'\n", "utf-8")
    d = open_editor(qtbot)
    assert "덮어쓰지 않습니다" in d.message.text() and "damaged" in d.message.text()
    assert not d.save_button.isEnabled() and not d.save()
    assert file.read_text("utf-8").endswith("id = 'office.x'\n")
    d.close()


def test_escape_asks_before_unsaved_changes_are_lost(
    editor: OfficePhrasesDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = editor
    add_hours(d)
    answer(monkeypatch, QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
    QTest.keyClick(d, Qt.Key.Key_Escape)
    assert d.isVisible()  # kept open: the phrase is not saved yet
    QTest.keyClick(d, Qt.Key.Key_Escape)
    assert not d.isVisible() and not paths.office_phrases().exists()


def test_the_settings_button_opens_the_editor_and_reports_a_save(
    qtbot: object, tmp_path: Path
) -> None:
    from kiosk.setup.settings import Settings
    from kiosk.ui.settings_dialog import SettingsDialog

    settings = SettingsDialog(Settings())
    qtbot.addWidget(settings)  # type: ignore[attr-defined]
    settings.show()
    assert settings.office_phrases.text() == "우리 기관 문구…"
    assert settings.office_phrases.height() >= REFERENCE_DPI * 0.5
    reported: list[bool] = []
    settings.office_phrases_saved.connect(lambda: reported.append(True))
    seen: list[OfficePhrasesDialog] = []

    def work_in_the_editor() -> None:  # runs inside the editor's exec()
        editor = QApplication.activeModalWidget()
        assert isinstance(editor, OfficePhrasesDialog)
        seen.append(editor)
        add_hours(editor)
        editor.save_button.click()
        editor.grab().save(str(tmp_path / "office-phrases-from-settings.png"))
        editor.close_button.click()

    QTimer.singleShot(0, work_in_the_editor)
    settings.office_phrases.click()
    assert seen and reported == [True]
    assert "office.hours" in OfficeBook.load(paths.office_phrases())
    settings.close()


def test_phrases_saved_from_the_settings_are_used_by_the_running_kiosk(
    qtbot: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settings (behind the PIN) → 우리 기관 문구… → add and save: the running kiosk takes the
    phrase up at once, without a restart (the real translator, text matching only: no models)."""
    from kiosk.runtime.engines import Engines
    from tests.kiosk.ui.conftest import close, make_ui
    from translate import Translator

    def text_only() -> Translator:
        return Translator.load(paths.cache_dir(), semantic=False, office=paths.office_phrases())

    engines = Engines(phrasebook=text_only, translator=text_only, speech=None)
    kiosk, ui = make_ui(qtbot, load_speech=False, engines=engines)
    monkeypatch.setattr(type(ui), "check_pin", lambda _self: True)
    assert kiosk.translator is not None
    assert not any(p.id.startswith("office.") for p in kiosk.translator.phrases())

    def in_settings() -> None:
        from kiosk.ui.settings_dialog import SettingsDialog

        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SettingsDialog)
        QTimer.singleShot(0, in_editor)
        dialog.office_phrases.click()  # the editor's own exec(), worked by in_editor
        dialog.reject()  # the settings themselves are left as they were

    def in_editor() -> None:
        editor = QApplication.activeModalWidget()
        assert isinstance(editor, OfficePhrasesDialog)
        add_hours(editor)
        assert editor.save()
        editor.close_button.click()

    try:
        QTimer.singleShot(0, in_settings)
        ui.open_settings()
        qtbot.waitUntil(  # type: ignore[attr-defined]
            lambda: "office.hours" in {p.id for p in kiosk.translator.phrases()}, timeout=60_000
        )
        said = kiosk.quick_reply("office.hours")
        assert said is not None and said.text == HOURS_KO
    finally:
        close(ui)
