#!/usr/bin/env bash
# Runs the desktop end-to-end tests, each on its own desktop: a fresh data folder, a private
# D-Bus session and X server, then the real app window driven over WebDriver. Screenshots
# and metrics go to target/e2e-artifacts.
set -euo pipefail
cd "$(dirname "$0")/../.."

target="${CARGO_TARGET_DIR:-$PWD/target}"
app="$target/debug/charter"
driver=/usr/bin/WebKitWebDriver
artifacts="$target/e2e-artifacts"
rm -rf "$artifacts" && mkdir -p "$artifacts"
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT

# desktop DISPLAY LOG_FOLDER [NAME=value…] -- COMMAND…: runs COMMAND on a desktop of its own.
desktop() {
  local display=$1 logs=$2
  shift 2
  local extra=()
  while [ "$1" != "--" ]; do extra+=("$1"); shift; done
  shift
  rm -rf "$home/data" "$home/config"
  env -i PATH="$PATH" HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" \
    XDG_RUNTIME_DIR="$home/run" CHARTER_LOG_DIR="$artifacts/$logs" DISPLAY=":$display" \
    NO_AT_BRIDGE=1 WEBKIT_DISABLE_COMPOSITING_MODE=1 "${extra[@]}" \
    dbus-run-session -- bash -c '
      set -euo pipefail
      mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
      Xvfb "$DISPLAY" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
      trap "kill $! 2>/dev/null || true" EXIT
      for _ in $(seq 1 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
      "$@"' desktop "$@"
}

rc=0
# The shell: tray, notifications, close-to-tray, single instance.
desktop 97 logs -- /usr/bin/python3 tests/e2e/shell_test.py "$app" "$artifacts" "$driver" || rc=1
# Every command with malformed arguments answers { code, message }; running jobs keep the
# computer awake (the built-in engine slowed so a job runs long enough to see it).
desktop 96 logs-ipc CHARTER_OFFLINE_DELAY_MS=1500 -- \
  /usr/bin/python3 tests/e2e/ipc_awake_test.py "$app" "$artifacts" "$driver" || rc=1
# Clicks on notifications and on the tray menu's items, the quit dialog answered both ways
# (the built-in engine slowed so a program is still running when Quit is clicked).
desktop 95 logs-presence CHARTER_OFFLINE_DELAY_MS=3000 -- \
  /usr/bin/python3 tests/e2e/presence_test.py "$app" "$artifacts" "$driver" || rc=1
# Progress to pixels: a job reporting 1,000 updates a second for 10 s while its page watches
# (delays and frame gaps reported in progress-metrics.json).
desktop 94 logs-progress CHARTER_BENCH_PROGRESS=1000:10 -- \
  /usr/bin/python3 tests/e2e/progress_bench.py "$app" "$artifacts" "$driver" || rc=1
# A day in the tray, shortened (SOAK_MINUTES=1440 SOAK_SAMPLE_S=60 for the full length by
# hand): jobs of every kind while the window is shown, hidden, reloaded and shown again.
desktop 93 logs-soak CHARTER_OFFLINE_DELAY_MS=300 SOAK_MINUTES="${SOAK_MINUTES:-1.5}" \
  SOAK_SAMPLE_S="${SOAK_SAMPLE_S:-10}" SOAK_JOBS="${SOAK_JOBS:-300}" -- \
  /usr/bin/python3 tests/e2e/soak_test.py "$app" "$artifacts" "$driver" || rc=1
# A desktop with no tray host at all.
desktop 98 logs-no-tray -- /usr/bin/python3 tests/e2e/no_tray_test.py "$app" "$artifacts/no-tray-checks.txt" || rc=1
# The user journeys, with the built-in engine slowed to a model's pace so there is progress
# to watch (and a canvas still running after the user has left and come back once).
desktop 99 logs-journeys CHARTER_OFFLINE_DELAY_MS=2500 -- \
  /usr/bin/python3 tests/e2e/ui_journeys.py "$app" "$artifacts" "$driver" || rc=1

# All phases' checks in one count for the summary line (a phase that wrote none failed).
passed=0 failed=0
for file in checks.txt ipc-awake-checks.txt presence-checks.txt progress-checks.txt soak-checks.txt no-tray-checks.txt ui-checks.txt; do
  p=0 f=1
  [ -f "$artifacts/$file" ] && read -r p f < "$artifacts/$file"
  passed=$((passed + p)) failed=$((failed + f))
done
echo "$passed $failed" > "$artifacts/checks.txt"
echo "e2e: $passed passed, $failed failed"
exit "$rc"
