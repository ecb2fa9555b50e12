#!/usr/bin/env bash
# Runs every check and test: UI type-check and build, formatting, lints, unit,
# integration, property and crash tests, then the desktop end-to-end test under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."

began=$SECONDS
# A section's heading, with the minutes and seconds since the script began.
section() { printf '== %s (at %dm%02ds)\n' "$1" $(((SECONDS - began) / 60)) $(((SECONDS - began) % 60)); }

./scripts/setup.sh

section "npm install (from package-lock.json)"
npm install --no-audit --no-fund
section "UI build (type-checked; Tauri embeds src-ui/dist at compile time)"
npm run ui:build
section "UI tests (Vitest, IPC mocked)"
ui_json="$(mktemp)"
npm run --silent ui:test -- --reporter=default --reporter=json --outputFile.json="$ui_json"
section "cargo fmt --check"
cargo fmt --all -- --check
# Clippy runs inside the one build the tests need, as the compiler of the workspace's own
# crates (what `cargo clippy` itself does, in check mode): a separate `cargo clippy` would
# compile every dependency a second time. Lints are denied as with `cargo clippy -- -D warnings`.
clippy_driver="$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver || true)"
if [ -z "$clippy_driver" ]; then
  echo "test: clippy is required (rustup component add clippy)" >&2
  exit 1
fi
export RUSTC_WORKSPACE_WRAPPER="$clippy_driver"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
section "build and lint (clippy) every target, the app and the stand-in model server"
# Benches and examples too (all targets, as `cargo clippy --all-targets`); the app and the
# model server that journey 4 starts and stops in the same build, with the same features.
cargo test --workspace --all-targets --locked --no-run
cargo build --locked -p charter -p strategy --bin charter --example model_server
section "cargo test"
log="$(mktemp)"
trap 'rm -f "$log" "$ui_json"' EXIT
cargo test --workspace --locked 2>&1 | tee "$log"
section "desktop end-to-end (Xvfb, WebDriver, D-Bus)"
./tests/e2e/run.sh

# One closing line for everything: cargo's tests, the UI tests and the end-to-end checks.
read -r e2e_passed e2e_failed < "${CARGO_TARGET_DIR:-target}/e2e-artifacts/checks.txt"
unit_passed=$(grep -Eo '^test result: ok\. [0-9]+ passed' "$log" | awk '{s += $4} END {print s + 0}')
ui_passed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["numPassedTests"])' "$ui_json")
section "done"
echo "summary: $((unit_passed + ui_passed + e2e_passed)) passed, $e2e_failed failed"
