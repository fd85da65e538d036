#!/usr/bin/env bash
# Put the bundle in the desktop's application menu (for this user): run it from the bundle
# folder, wherever that folder was unpacked. Re-run it after moving the folder.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/scalable/apps"
mkdir -p "$apps" "$icons"
install -m 0644 "$here/kbapp.svg" "$icons/kbapp.svg"
sed -e "s|^Exec=kbapp$|Exec=\"$here/kbapp\"|" -e "s|^Icon=kbapp$|Icon=$icons/kbapp.svg|" \
  "$here/kbapp.desktop" > "$apps/kbapp.desktop"
chmod 0644 "$apps/kbapp.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
echo "kbapp is in the application menu ($apps/kbapp.desktop)."
