#!/usr/bin/env bash
# The whole test suite: make sure an engine is up (installs and starts one on a fresh
# root machine), then every test: unit, snapshot, engine and end-to-end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/engine.sh
# The whole workspace: the product and the harness (crates/dockside-harness).
cargo test --locked --workspace --no-fail-fast "$@"
