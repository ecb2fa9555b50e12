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

# The user journeys, on a fresh desktop and data folder, with the built-in engine slowed to
# a model's pace so there is progress to watch.
journeys=$(cat <<'INNER'
set -euo pipefail
Xvfb :99 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
export DISPLAY=:99
for _ in $(seq 1 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
/usr/bin/python3 tests/e2e/ui_journeys.py "$APP" "$ARTIFACTS" "$DRIVER"
INNER
)
rm -rf "$home/data" "$home/config"
set +e
env -i PATH="$PATH" HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" \
  XDG_RUNTIME_DIR="$home/run" CHARTER_LOG_DIR="$artifacts/logs-journeys" CHARTER_OFFLINE_DELAY_MS=1500 \
  APP="$app" ARTIFACTS="$artifacts" DRIVER="$driver" NO_AT_BRIDGE=1 WEBKIT_DISABLE_COMPOSITING_MODE=1 \
  dbus-run-session -- bash -c "mkdir -p \"\$XDG_RUNTIME_DIR\" && chmod 700 \"\$XDG_RUNTIME_DIR\" && $journeys"
journeys_rc=$?
set -e
[ -f "$artifacts/ui-checks.txt" ] || echo "0 1" > "$artifacts/ui-checks.txt"

# All phases' checks in one count for the summary line.
read -r p1 f1 < "$artifacts/checks.txt"
read -r p2 f2 < "$artifacts/no-tray-checks.txt"
read -r p3 f3 < "$artifacts/ui-checks.txt"
echo "$((p1 + p2 + p3)) $((f1 + f2 + f3))" > "$artifacts/checks.txt"
echo "e2e: $((p1 + p2 + p3)) passed, $((f1 + f2 + f3)) failed"
exit "$journeys_rc"
