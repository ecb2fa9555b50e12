#!/usr/bin/env bash
# Runs Charter. Until the desktop shell lands this is the job engine's terminal demo:
# press Ctrl-C half-way, run it again, and the interrupted jobs resume.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
cargo run --release --locked -p jobs --example demo -- "$@"
