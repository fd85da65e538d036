"""Chinese must render: a font with Simplified Chinese glyphs has to be installed."""

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics


def test_a_font_covers_chinese(qapp):
    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    assert families, "no Chinese font: install fonts-wqy-microhei (the README's setup does)"
    covering = [f for f in families if all(QFontMetrics(QFont(f)).inFontUcs4(ord(ch)) for ch in "配置丢失数据")]
    assert covering, f"none of {families} has glyphs for 配置丢失数据"
