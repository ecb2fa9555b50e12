#!/usr/bin/env bash
# Runs the desktop end-to-end test: a private D-Bus session and X server, then the real
# app window driven over WebDriver. Screenshots and metrics go to target/e2e-artifacts.
set -euo pipefail
cd "$(dirname "$0")/../.."

target="${CARGO_TARGET_DIR:-$PWD/target}"
app="$target/debug/charter"
driver="$PWD/node_modules/.bin/tauri-driver"
artifacts="$target/e2e-artifacts"
rm -rf "$artifacts" && mkdir -p "$artifacts"
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT

inner=$(cat <<'INNER'
set -euo pipefail
Xvfb :97 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
export DISPLAY=:97
for _ in $(seq 1 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
/usr/bin/python3 tests/e2e/shell_test.py "$APP" "$ARTIFACTS" "$DRIVER"
INNER
)
# A second desktop with no tray host at all.
no_tray=$(cat <<'INNER'
set -euo pipefail
Xvfb :98 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
export DISPLAY=:98
for _ in $(seq 1 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
/usr/bin/python3 tests/e2e/no_tray_test.py "$APP" "$ARTIFACTS/no-tray-checks.txt"
INNER
)
env -i PATH="$PATH" HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" \
  XDG_RUNTIME_DIR="$home/run" CHARTER_LOG_DIR="$artifacts/logs" \
  APP="$app" ARTIFACTS="$artifacts" DRIVER="$driver" \
  NO_AT_BRIDGE=1 WEBKIT_DISABLE_COMPOSITING_MODE=1 \
  dbus-run-session -- bash -c "mkdir -p \"\$XDG_RUNTIME_DIR\" && chmod 700 \"\$XDG_RUNTIME_DIR\" && $inner"
rm -rf "$home/data" "$home/config"
env -i PATH="$PATH" HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" \
  XDG_RUNTIME_DIR="$home/run" CHARTER_LOG_DIR="$artifacts/logs-no-tray" \
  APP="$app" ARTIFACTS="$artifacts" NO_AT_BRIDGE=1 WEBKIT_DISABLE_COMPOSITING_MODE=1 \
  dbus-run-session -- bash -c "mkdir -p \"\$XDG_RUNTIME_DIR\" && chmod 700 \"\$XDG_RUNTIME_DIR\" && $no_tray"

# Both phases' checks in one count for the summary line.
read -r p1 f1 < "$artifacts/checks.txt"
read -r p2 f2 < "$artifacts/no-tray-checks.txt"
echo "$((p1 + p2)) $((f1 + f2))" > "$artifacts/checks.txt"
echo "e2e: $((p1 + p2)) passed, $((f1 + f2)) failed"
