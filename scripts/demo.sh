#!/usr/bin/env bash
# dockside on a demo project: makes sure an engine answers (scripts/engine.sh starts one
# when none does, on a root machine with apt), brings up the demo compose project
# (scripts/demo/compose.yaml: a few busybox services with logs in several scripts, health
# checks, a failed job), then opens dockside on it.
#
# Usage: scripts/demo.sh [up] [dockside args…]   bring it up and open dockside
#        scripts/demo.sh down                    remove the demo project (and only it)
# Environment: DOCKSIDE_DEMO_IMAGE  image of the services (default: the test image that
#              scripts/engine.sh builds from a static busybox, no registry needed)
#              DOCKSIDE_DEMO_NO_UI=1  bring it up, do not open dockside
#              DOCKSIDE_DEMO_PROJECT  the project's name (default: dockside-demo)
set -euo pipefail
cd "$(dirname "$0")/.."

PROJECT="${DOCKSIDE_DEMO_PROJECT:-dockside-demo}"
FILE=scripts/demo/compose.yaml
say() { printf 'demo.sh: %s\n' "$*" >&2; }

compose() {
  if docker compose version >/dev/null 2>&1; then
    docker compose -p "$PROJECT" -f "$FILE" "$@"
  elif command -v docker-compose >/dev/null 2>&1; then
    docker-compose -p "$PROJECT" -f "$FILE" "$@"
  else
    say "neither \`docker compose\` nor \`docker-compose\` is installed"
    say "install one (apt install docker-compose, or the compose plugin) and run me again"
    exit 1
  fi
}

engine_up() { command -v docker >/dev/null 2>&1 && docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

action=up
case "${1:-}" in
  up) shift ;;
  down) action=down; shift ;;
  -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
esac

if [ "$action" = down ]; then
  engine_up || { say "no engine answers: nothing to take down"; exit 0; }
  compose down --remove-orphans --timeout 2
  exit 0
fi

image="${DOCKSIDE_DEMO_IMAGE:-dockside-test/busybox:latest}"
if ! engine_up || { [ -z "${DOCKSIDE_DEMO_IMAGE:-}" ] && ! docker image inspect "$image" >/dev/null 2>&1; }; then
  engine_up || say "no Docker engine answers: starting one with scripts/engine.sh"
  scripts/engine.sh || {
    say "could not start an engine here. Start one yourself (Docker Desktop, or"
    say "sudo systemctl start docker), or point DOCKER_HOST at one, and run me again."
    exit 1
  }
fi
say "engine: $(docker version --format '{{.Server.Version}}') · image: $image"

compose up -d --remove-orphans
say "demo project up: $(compose ps -q | wc -l) containers (scripts/demo.sh down removes them)"

[ "${DOCKSIDE_DEMO_NO_UI:-}" = 1 ] && exit 0
if [ -x target/release/dockside ]; then
  exec target/release/dockside "$@"
fi
say "building dockside (cargo run --release) …"
exec cargo run --release --quiet -- "$@"
