"""Render ui/icons/kbapp.svg as packaging/kbapp.ico (256 px) for the Windows executables and
installer: ``QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icon.py``."""

import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication, QIcon

ROOT = Path(__file__).resolve().parent.parent

app = QGuiApplication(sys.argv)
image = QIcon(str(ROOT / "ui" / "icons" / "kbapp.svg")).pixmap(256, 256).toImage()
if image.isNull() or image.width() != 256:
    sys.exit("cannot render the icon (Qt's SVG plugin missing?)")
image = image.convertToFormat(image.Format.Format_ARGB32)
out = ROOT / "packaging" / "kbapp.ico"
if not image.save(str(out), "ICO"):
    sys.exit(f"cannot write {out} (Qt's ICO plugin missing?)")
print(f"{out}: {out.stat().st_size} bytes")
