"""Real top-level windows on a real X server (Xvfb, started by pytest-xvfb): the layouts, the
kiosk windows a visitor cannot close, and the staff's way out."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from kiosk.setup.settings import Layout
from kiosk.ui.window import RotatedView
from tests.kiosk.ui.conftest import close, make_ui


@pytest.fixture(autouse=True)
def _real_display():
    if QGuiApplication.platformName() != "xcb":
        pytest.skip(f"needs an X server (Xvfb); Qt runs on {QGuiApplication.platformName()!r}")


def test_two_windows_are_real_windows_that_a_visitor_cannot_close(qtbot):
    _kiosk, ui = make_ui(qtbot, load_speech=False)
    try:
        ui.show()
        for window in ui.windows:
            qtbot.waitExposed(window)
            assert window.isVisible() and window.winId()
        staff, visitor = ui.windows
        assert staff.windowTitle() != visitor.windowTitle()
        assert not visitor.close()  # Alt+F4 or a stray tap on a close button: ignored
        assert visitor.isVisible()
        image = visitor.grab()
        assert image.width() == 1920 and image.height() == 1080
    finally:
        close(ui)


def test_split_rotated_layout_turns_the_visitor_half_upside_down(qtbot):
    kiosk, ui = make_ui(qtbot, layout=Layout.SPLIT_ROTATED, load_speech=False)
    try:
        ui.show()
        (window,) = ui.windows
        qtbot.waitExposed(window)
        view = window.findChild(RotatedView)
        assert view is not None
        assert view.transform().m11() < 0 and view.transform().m22() < 0  # 180°
        # the visitor's controls still work through the rotation
        kiosk.choose_language("th")
        assert ui.visitor.pages.currentWidget() is ui.visitor.conversation
    finally:
        close(ui)


def test_staff_leave_kiosk_mode_with_the_pin_only(qtbot, monkeypatch):
    kiosk, ui = make_ui(qtbot, load_speech=False)
    answers = iter([("1234", True), (kiosk.settings.pin, True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: next(answers))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a))
    monkeypatch.setattr(QApplication, "quit", lambda *a: None)  # the test's app goes on
    try:
        ui.show(kiosk_mode=True)
        staff = ui.windows[0]
        qtbot.waitExposed(staff)
        (shortcut,) = staff.findChildren(QShortcut)
        assert shortcut.key() == QKeySequence("Ctrl+Shift+Q")
        for expect_open in (True, False):  # a wrong PIN, then the right one
            shortcut.activated.emit()  # (Xvfb without a window manager gives no window focus)
            assert staff.isVisible() is expect_open
        assert len(warnings) == 1  # the wrong PIN was told as such
    finally:
        close(ui)


def test_settings_dialog_speaks_korean_and_saves_what_staff_chose(qtbot, tmp_path):
    from PySide6.QtWidgets import QLabel

    from kiosk.core import strings
    from kiosk.setup.settings import Settings
    from kiosk.ui.settings_dialog import SettingsDialog

    settings = Settings()
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    assert strings.staff("setting_staff_mic") in labels and "직원 마이크" in labels
    assert dialog.speech_model.itemData(0) == ""  # the default, whisper-base
    dialog.scale.setValue(1.5)
    dialog.timeout.setValue(120)
    dialog.apply()
    settings.save(tmp_path / "settings.json")
    again = Settings.load(tmp_path / "settings.json")
    assert again.font_scale == 1.5 and again.idle_timeout_s == 120 and again.speech_model == ""
    assert again.problems == []


def test_staff_set_the_building_server_and_its_token_is_kept_but_never_shown(qtbot, private_data):
    import stat

    from kiosk.core import strings
    from kiosk.setup.building import building_config, token_path
    from kiosk.setup.settings import Settings
    from kiosk.ui.settings_dialog import SettingsDialog

    settings = Settings()
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.building_token.placeholderText() == strings.staff("setting_building_token_none")
    dialog.building_url.setText("  https://changgu.cityhall.local:8400 ")
    dialog.building_token.setText("city-token-0123456789abcdef")
    dialog.apply()
    assert dialog.problems == [] and settings.check() == []
    assert settings.building_url == "https://changgu.cityhall.local:8400"
    assert stat.S_IMODE(token_path().stat().st_mode) == 0o600
    config, problems = building_config(settings)
    assert problems == [] and config is not None and config.token == "city-token-0123456789abcdef"

    again = SettingsDialog(settings)  # opened again: the token is not shown, only that it is kept
    qtbot.addWidget(again)
    assert again.building_token.text() == ""
    assert again.building_token.placeholderText() == strings.staff("setting_building_token_saved")
    again.building_token.setText("two words")
    again.apply()
    assert again.problems and "one word" in again.problems[0]
    assert building_config(settings)[0].token == "city-token-0123456789abcdef"  # kept


@pytest.mark.skipif(os.geteuid() != 0, reason="a policy is trusted only as root's")
def test_what_the_city_s_policy_locks_is_greyed_out_with_its_reason(qtbot, tmp_path):
    from kiosk.core import strings
    from kiosk.setup.policy import load_policy
    from kiosk.setup.settings import Settings
    from kiosk.ui.settings_dialog import SettingsDialog

    folder = tmp_path / "etc"
    folder.mkdir(mode=0o755)
    (folder / "policy.toml").write_text(
        'languages = ["en", "vi"]\nidle_timeout_s = 120\nlocked = ["languages", "building_url"]\n'
        'reason = "Set by the city (tel. 120)"\n'
    )
    settings = Settings()
    settings.apply_policy(load_policy(folder / "policy.toml"))
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    for widget in (dialog.languages, dialog.building_url):
        assert not widget.isEnabled()
        assert widget.toolTip() == strings.staff(
            "locked_by_policy", reason="Set by the city (tel. 120)"
        )
    assert dialog.locked_note.text() == strings.staff(
        "locked_note", reason="Set by the city (tel. 120)"
    )
    assert dialog.timeout.isEnabled() and dialog.timeout.value() == 120  # set, not locked
    dialog.timeout.setValue(200)
    dialog.apply()
    assert settings.languages == ("en", "vi") and settings.idle_timeout_s == 200


def test_a_speech_model_that_is_not_installed_is_a_clear_status(qtbot):
    from kiosk.setup.settings import Settings
    from kiosk.ui.theme import THEME

    kiosk, ui = make_ui(qtbot, wait_ready=False, settings=Settings(speech_model="whisper-small"))
    try:
        label = ui.staff.status_labels
        qtbot.waitUntil(
            lambda: "models" in label and THEME.untranslated in label["models"].styleSheet(),
            timeout=30_000,
        )
        assert "changgu models install whisper-small" in label["models"].toolTip()
        assert kiosk.quick_reply("greet.hello") is not None  # the counter still works
    finally:
        close(ui)


def test_a_language_turned_off_is_gone_from_the_next_visitors_chooser(qtbot, monkeypatch):
    """Staff turn Thai off in Settings during a Thai visit: the visit goes on in Thai; the next
    visitor's chooser and the staff's override list no longer offer it, with no restart. The
    visitor screen's choice of monitor, beyond the screens this display has, is kept as saved."""
    from PySide6.QtCore import Qt, QTimer

    from kiosk.runtime.engines import Engines
    from kiosk.setup.settings import Settings
    from kiosk.ui.settings_dialog import SettingsDialog

    settings = Settings(visitor_screen=3)
    kiosk, ui = make_ui(
        qtbot,
        load_speech=False,
        wait_ready=False,
        settings=settings,
        engines=Engines.real(speech=False),
    )
    monkeypatch.setattr(type(ui), "check_pin", lambda _self: True)
    try:
        kiosk.choose_language("th")

        def in_settings() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, SettingsDialog)
            for i in range(dialog.languages.count()):
                item = dialog.languages.item(i)
                if item.data(Qt.ItemDataRole.UserRole) == "th":
                    item.setCheckState(Qt.CheckState.Unchecked)
            dialog.accept()

        QTimer.singleShot(0, in_settings)
        ui.open_settings()
        assert "th" not in kiosk.settings.languages
        assert kiosk.session.visitor_lang == "th"  # this visitor keeps their language
        kiosk.new_visit()
        offered = [b.property("lang") for b in ui.visitor.chooser.buttons]
        assert "th" not in offered and "vi" in offered
        box = ui.staff.language_box
        assert "th" not in [box.itemData(i) for i in range(box.count())]
        assert kiosk.settings.visitor_screen == 3  # kept, though this display has one screen
    finally:
        close(ui)


def test_every_staff_topic_is_in_sight_emergencies_first(qtbot):
    """Fourteen topics as a grid of buttons (no tab bar whose tabs hide behind arrows); 긴급 상황
    first; a tap shows that topic's quick replies."""
    from kiosk.runtime.engines import Engines

    _kiosk, ui = make_ui(qtbot, load_speech=False, engines=Engines.real(speech=False))
    ui.show()
    try:
        staff = ui.staff
        QApplication.processEvents()
        assert len(staff.topic_buttons) >= 14
        assert staff.topic_buttons[0].property("topic") == "emer"
        for button in staff.topic_buttons:
            assert button.isVisible() and button.visibleRegion().boundingRect().width() > 0
        qtbot.mouseClick(staff.topic_buttons[5], Qt.MouseButton.LeftButton)
        assert staff.tabs.currentIndex() == 5 and staff.topic_buttons[5].isChecked()
        assert not staff.topic_buttons[0].isChecked()
    finally:
        close(ui)


def test_a_new_layout_applies_at_once_mid_visit(qtbot, monkeypatch):
    """Staff switch to one window split in two, then upside down for a flat screen, then back to
    two windows: each at once, the visit going on (what the visitor reads stays, a new answer
    reaches them), and Ctrl+Shift+Q still leaves from every window."""
    from PySide6.QtCore import QTimer

    from kiosk.runtime.engines import Engines
    from kiosk.setup.settings import Layout
    from kiosk.ui.settings_dialog import SettingsDialog

    kiosk, ui = make_ui(
        qtbot, load_speech=False, wait_ready=False, engines=Engines.real(speech=False)
    )
    monkeypatch.setattr(type(ui), "check_pin", lambda _self: True)
    ui.show()
    kiosk.choose_language("en")
    kiosk.quick_reply("greet.wait")
    shown = ui.visitor.newest_label.text()
    try:
        for layout, windows in (
            (Layout.SPLIT, 1),
            (Layout.SPLIT_ROTATED, 1),
            (Layout.TWO_WINDOWS, 2),
        ):

            def in_settings(layout: Layout = layout) -> None:
                dialog = QApplication.activeModalWidget()
                assert isinstance(dialog, SettingsDialog)
                dialog.layout_box.setCurrentIndex(dialog.layout_box.findData(layout))
                dialog.accept()

            QTimer.singleShot(0, in_settings)
            ui.open_settings()
            QApplication.processEvents()
            assert kiosk.settings.layout is layout
            assert len(ui.windows) == windows and all(w.isVisible() for w in ui.windows)
            assert ui.staff.isVisible() and ui.visitor.newest_label.text() == shown
            for window in ui.windows:
                keys = [s.key().toString() for s in window.findChildren(QShortcut)]
                assert "Ctrl+Shift+Q" in keys
        kiosk.quick_reply("greet.thanks")
        assert ui.visitor.newest_label.text() != shown  # the visit goes on in the new windows
    finally:
        close(ui)
