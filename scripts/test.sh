#!/usr/bin/env bash
# Runs every check and test: UI type-check and build, formatting, lints, unit,
# integration, property and crash tests, then the desktop end-to-end test under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh

echo "== npm install (from package-lock.json)"
npm install --no-audit --no-fund
echo "== UI build (type-checked; Tauri embeds src-ui/dist at compile time)"
npm run ui:build
echo "== UI tests (Vitest, IPC mocked)"
ui_json="$(mktemp)"
npm run --silent ui:test -- --reporter=default --reporter=json --outputFile.json="$ui_json"
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
log="$(mktemp)"
trap 'rm -f "$log" "$ui_json"' EXIT
cargo test --workspace --locked 2>&1 | tee "$log"
echo "== desktop end-to-end (Xvfb, WebDriver, D-Bus)"
# The app, and the stand-in model server that journey 4 starts and stops (one build, so the
# strategy crate is compiled once for both).
cargo build --locked -p charter -p strategy --bin charter --example model_server
./tests/e2e/run.sh

# One closing line for everything: cargo's tests, the UI tests and the end-to-end checks.
read -r e2e_passed e2e_failed < "${CARGO_TARGET_DIR:-target}/e2e-artifacts/checks.txt"
unit_passed=$(grep -Eo '^test result: ok\. [0-9]+ passed' "$log" | awk '{s += $4} END {print s + 0}')
ui_passed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["numPassedTests"])' "$ui_json")
echo "summary: $((unit_passed + ui_passed + e2e_passed)) passed, $e2e_failed failed"
