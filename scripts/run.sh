#!/usr/bin/env bash
# Builds the UI and runs the Charter desktop app.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
npm install --no-audit --no-fund
npm run ui:build
cargo run --locked -p charter -- "$@"
