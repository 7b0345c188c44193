#!/usr/bin/env bash
# Make the engine look like a real user's: many unrelated objects the tests must not trip on.
#
#   scripts/noise.sh up      100 running containers `ci-noise-N` (label ci-noise=1), plus a few
#                            unrelated volumes, networks and image tags; idempotent (missing
#                            ones are created, stopped ones started)
#   scripts/noise.sh down    removes everything labelled ci-noise=1 (and the noise tags)
#
# Sizes: DOCKSIDE_NOISE_CONTAINERS (100), DOCKSIDE_NOISE_VOLUMES (20),
# DOCKSIDE_NOISE_NETWORKS (5), DOCKSIDE_NOISE_TAGS (20).
# Needs the engine and the test image: run scripts/engine.sh first.
set -euo pipefail

IMAGE="${DOCKSIDE_TEST_IMAGE:-dockside-test/busybox:latest}"
LABEL="ci-noise=1"
CONTAINERS="${DOCKSIDE_NOISE_CONTAINERS:-100}"
VOLUMES="${DOCKSIDE_NOISE_VOLUMES:-20}"
NETWORKS="${DOCKSIDE_NOISE_NETWORKS:-5}"
TAGS="${DOCKSIDE_NOISE_TAGS:-20}"
PARALLEL=8

say() { printf 'noise.sh: %s\n' "$*" >&2; }

up() {
  docker image inspect "$IMAGE" >/dev/null 2>&1 || {
    say "test image $IMAGE missing: run scripts/engine.sh first"; exit 1; }
  # name state, for the noise containers already there.
  local existing
  existing=$(docker ps -a --filter "label=$LABEL" --format '{{.Names}} {{.State}}')
  local create=() start=()
  for i in $(seq 1 "$CONTAINERS"); do
    local name="ci-noise-$i" state
    state=$(awk -v n="$name" '$1 == n { print $2 }' <<<"$existing")
    case "$state" in
      running) ;;
      "") create+=("$name") ;;
      *) start+=("$name") ;;
    esac
  done
  if [ "${#start[@]}" -gt 0 ]; then
    say "starting ${#start[@]} stopped noise containers"
    printf '%s\n' "${start[@]}" | xargs -r -n 20 -P "$PARALLEL" docker start >/dev/null
  fi
  if [ "${#create[@]}" -gt 0 ]; then
    say "creating ${#create[@]} noise containers"
    printf '%s\n' "${create[@]}" |
      xargs -r -I{} -P "$PARALLEL" docker run -d --name {} --label "$LABEL" \
        --stop-timeout 1 "$IMAGE" sleep 1d >/dev/null
  fi
  for i in $(seq 1 "$VOLUMES"); do
    docker volume inspect "ci-noise-vol-$i" >/dev/null 2>&1 ||
      docker volume create --label "$LABEL" "ci-noise-vol-$i" >/dev/null
  done
  for i in $(seq 1 "$NETWORKS"); do
    docker network inspect "ci-noise-net-$i" >/dev/null 2>&1 ||
      docker network create --label "$LABEL" "ci-noise-net-$i" >/dev/null
  done
  for i in $(seq 1 "$TAGS"); do
    docker tag "$IMAGE" "ci-noise/image-$i:latest"
  done
  local running
  running=$(docker ps -q --filter "label=$LABEL" | wc -l)
  say "up: $running noise containers running, $VOLUMES volumes, $NETWORKS networks, $TAGS image tags"
  [ "$running" -ge "$CONTAINERS" ] || { say "only $running of $CONTAINERS noise containers run"; exit 1; }
}

down() {
  local ids
  ids=$(docker ps -aq --filter "label=$LABEL")
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    printf '%s\n' $ids | xargs -r -n 50 docker rm -f >/dev/null
  fi
  docker volume ls -q --filter "label=$LABEL" | xargs -r docker volume rm -f >/dev/null
  docker network ls -q --filter "label=$LABEL" | xargs -r docker network rm >/dev/null
  docker images --format '{{.Repository}}:{{.Tag}}' 'ci-noise/*' | xargs -r docker rmi >/dev/null
  say "down: every ci-noise object removed"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
