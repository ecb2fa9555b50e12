#!/usr/bin/env bash
# Installs what building and testing Charter needs on a fresh Debian machine. Idempotent.
set -euo pipefail

packages=(
  # engine and operations
  build-essential pkg-config util-linux sqlite3
  # the Tauri desktop shell (WebKitGTK, tray, bundling)
  file patchelf libwebkit2gtk-4.1-dev libjavascriptcoregtk-4.1-dev libsoup-3.0-dev
  libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev libxdo-dev
  # end-to-end tests of the real window: X server, D-Bus session, WebDriver, screenshots
  xvfb xauth x11-utils xdotool imagemagick dbus dbus-x11 at-spi2-core webkit2gtk-driver
  python3-dbus python3-gi python3-xlib fonts-dejavu-core libdbus-1-dev
  # a fast linker (.cargo/config.toml)
  mold
)

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo (Rust stable) is required; install it with rustup" >&2
  exit 1
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: Node.js 20+ with npm is required to build the UI" >&2
  exit 1
fi
