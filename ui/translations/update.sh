#!/usr/bin/env bash
# Refresh the Qt Linguist sources from the code, then compile them.
#   ui/translations/update.sh            (uses the pyside6-lupdate/lrelease on PATH or in .venv)
# Translate new strings in Qt Linguist (pyside6-linguist ui/translations/kbapp_zh_CN.ts) and run it again.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin() { if command -v "$1" >/dev/null 2>&1; then echo "$1"; else echo ".venv/bin/$1"; fi; }
sources=$(ls kbapp/gui/*.py)
for ts in ui/translations/*.ts; do
  "$(bin pyside6-lupdate)" $sources -ts "$ts" -no-obsolete
  "$(bin pyside6-lrelease)" "$ts" -qm "${ts%.ts}.qm"
done
