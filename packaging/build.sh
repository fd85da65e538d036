#!/usr/bin/env bash
# Build the double-clickable bundle on Linux: dist/kbapp/ with kbapp (the window) and
# kbapp-cli (the command line). Uses the checkout's .venv (./run setup) and PyInstaller
# from PyPI, installed into it on the first build.
#   packaging/build.sh            build (about 2-3 minutes on 2 cores)
#   packaging/build.sh --smoke    build, then run the bundle's smoke test
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${KBAPP_VENV:-.venv}"
PYINSTALLER_VERSION="${PYINSTALLER_VERSION:-6.22.3}"

./run setup
if ! "$VENV/bin/python" -c "import PyInstaller, sys; sys.exit(PyInstaller.__version__ != '$PYINSTALLER_VERSION')" 2>/dev/null; then
  echo "Installing PyInstaller $PYINSTALLER_VERSION into $VENV ..."
  "$VENV/bin/python" -m pip install --quiet "pyinstaller==$PYINSTALLER_VERSION"
fi

start=$(date +%s)
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/kbapp.spec
install -m 0644 packaging/kbapp.desktop dist/kbapp/kbapp.desktop
install -m 0644 ui/icons/kbapp.svg dist/kbapp/kbapp.svg
install -m 0755 packaging/install-desktop-entry.sh dist/kbapp/install-desktop-entry.sh
echo "Built dist/kbapp in $(( $(date +%s) - start )) s: $(du -sh dist/kbapp | cut -f1)" \
  "($(find dist/kbapp -type f | wc -l) files). Start it with dist/kbapp/kbapp; the CLI is dist/kbapp/kbapp-cli."

if [ "${1:-}" = "--smoke" ]; then
  QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" KBAPP_BUNDLE=dist/kbapp \
    "$VENV/bin/python" -m pytest tests/test_bundle.py -q -p no:cacheprovider -m slow
fi
