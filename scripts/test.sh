#!/usr/bin/env bash
# The whole test suite: make sure an engine is up (installs and starts one on a fresh
# root machine), then every test: unit, snapshot, engine and end-to-end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/engine.sh
# Engine tests skip (when DOCKSIDE_REQUIRE_ENGINE is not set) if no engine answers: each
# leaves a mark there, reported loudly below so a dying engine cannot pass unnoticed.
skipped="target/tmp/engine-tests-skipped"
rm -f "$skipped"
# The whole workspace: the product and the harness (crates/dockside-harness).
status=0
cargo test --locked --workspace --no-fail-fast "$@" || status=$?
if [ -s "$skipped" ]; then
  n=$(wc -l <"$skipped")
  printf '\n!!! %s engine test(s) were SKIPPED: no Docker engine answered (%s)\n' \
    "$n" "$(head -1 "$skipped")" >&2
  printf '!!! they passed without testing anything; run scripts/engine.sh, or set DOCKSIDE_REQUIRE_ENGINE=1 to make them fail\n' >&2
fi
exit "$status"
