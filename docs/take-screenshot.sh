#!/usr/bin/env bash
# Takes docs/screenshot.png of the real window under Xvfb, driven by the keyboard like a user:
# Ctrl+K, type 配置丢失, Enter. Needs: xvfb xdotool imagemagick fonts-wqy-microhei (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
KBAPP="${KBAPP:-.venv/bin/kbapp}"
home=$(mktemp -d)
export DISPLAY=:97 QT_QPA_PLATFORM=xcb LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=zh_CN KBAPP_HOME="$home" XDG_CONFIG_HOME="$home/config"
Xvfb "$DISPLAY" -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$home"' EXIT
sleep 1
"$KBAPP" &
app=$!
win=""
for _ in $(seq 1 60); do
  win=$(xdotool search --onlyvisible --name "kbapp" 2>/dev/null | head -n 1) && [ -n "$win" ] && break
  sleep 0.5
done
[ -n "$win" ] || { echo "the kbapp window did not appear" >&2; exit 1; }
xdotool windowsize "$win" 1280 800 windowmove "$win" 0 0
sleep 3   # first start: the index builds in the background
xdotool windowfocus --sync "$win"
xdotool key ctrl+k
xdotool type --delay 80 "配置丢失"
sleep 1.5
xdotool key Return
sleep 1.5
import -window root docs/screenshot.png
echo "wrote docs/screenshot.png"
