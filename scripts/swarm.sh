#!/usr/bin/env bash
# A Swarm for dockside's Swarm tests, beside (never on) the main test engine.
#
#   scripts/swarm.sh up     a manager engine at unix:///tmp/dockside-swarm/e1.sock (its own
#                           bridge br-sw1, data root, exec root, pid file and containerd),
#                           swarm initialised; with DOCKSIDE_SWARM_WORKER=1 a second engine
#                           (br-sw2, e2.sock) joined as a worker. Idempotent.
#   scripts/swarm.sh down   leave, stop the engines by pid, unmount and remove their roots.
#
# The test image is loaded from the main engine (`scripts/engine.sh` builds it).
set -euo pipefail

DIR="${DOCKSIDE_SWARM_DIR:-/tmp/dockside-swarm}"
IMAGE="${DOCKSIDE_TEST_IMAGE:-dockside-test/busybox:latest}"

say() { printf 'swarm.sh: %s\n' "$*" >&2; }

sock() { echo "unix://$DIR/e$1.sock"; }
d() { local n=$1; shift; docker -H "$(sock "$n")" "$@"; }
up_p() { d "$1" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

bridge() {
  local name=$1 addr=$2
  if ! ip link show "$name" >/dev/null 2>&1; then
    ip link add "$name" type bridge
    ip addr add "$addr" dev "$name"
  fi
  ip link set "$name" up
}

start_engine() {
  local n=$1 br=$2 addr=$3
  local root="$DIR/e$n"
  if up_p "$n"; then return 0; fi
  mkdir -p "$root"
  bridge "$br" "$addr"
  say "starting engine $n (log: $root/dockerd.log)"
  nohup dockerd \
    --data-root "$root/data" --exec-root "$root/exec" --pidfile "$root/docker.pid" \
    -H "$(sock "$n")" --bridge="$br" --iptables=false --ip-masq=false \
    >"$root/dockerd.log" 2>&1 &
  for _ in $(seq 1 120); do
    up_p "$n" && break
    sleep 0.5
  done
  up_p "$n" || { say "engine $n did not come up:"; tail -30 "$root/dockerd.log" >&2; exit 1; }
}

load_image() {
  local n=$1
  if ! d "$n" image inspect "$IMAGE" >/dev/null 2>&1; then
    docker save "$IMAGE" | d "$n" load >/dev/null
  fi
}

state() { d "$1" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || true; }

# On a failure: what the engines logged last (the reason is often there, not in the CLI's
# one line).
tell_logs() {
  local n
  for n in 1 2; do
    [ -f "$DIR/e$n/dockerd.log" ] || continue
    say "last lines of engine $n's log:"
    tail -15 "$DIR/e$n/dockerd.log" >&2
  done
}

up() {
  [ "$(id -u)" = 0 ] || { say "needs root (starts dockerd)"; exit 1; }
  trap 'say "up failed at line $LINENO"; tell_logs' ERR
  mkdir -p "$DIR"
  # A /24 holds 253 tasks: DOCKSIDE_SWARM_BRIDGE1=10.211.0.1/20 for the bench's 100 × 10
  # (on a new bridge: `ip link del br-sw1` first).
  start_engine 1 br-sw1 "${DOCKSIDE_SWARM_BRIDGE1:-172.31.11.1/24}"
  load_image 1
  if [ "$(state 1)" != active ]; then
    say "swarm init on engine 1"
    timeout 120 docker -H "$(sock 1)" swarm init --advertise-addr 127.0.0.1 >/dev/null
  fi
  if [ "${DOCKSIDE_SWARM_WORKER:-0}" = 1 ]; then
    start_engine 2 br-sw2 172.31.12.1/24
    load_image 2
    if [ "$(state 2)" != active ]; then
      local token
      token=$(d 1 swarm join-token -q worker)
      say "engine 2 joins as a worker"
      timeout 120 docker -H "$(sock 2)" swarm join --token "$token" --listen-addr 127.0.0.1:2378 \
        --advertise-addr 127.0.0.1:2378 127.0.0.1:2377 >/dev/null
    fi
  fi
  say "up: $(sock 1)"
}

stop_engine() {
  local n=$1 br=$2
  local root="$DIR/e$n"
  [ -d "$root" ] || return 0
  if up_p "$n"; then
    # Bounded: a manager whose peers are gone can wait long to leave.
    timeout 20 docker -H "$(sock "$n")" swarm leave --force >/dev/null 2>&1 || true
  fi
  if [ -f "$root/docker.pid" ]; then
    local pid
    pid=$(cat "$root/docker.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
      done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
  fi
  # Mounts under the data and exec roots (overlay layers, netns, shm) go before the files.
  { grep -o " $root[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$root"
  ip link del "$br" 2>/dev/null || true
}

down() {
  stop_engine 2 br-sw2
  stop_engine 1 br-sw1
  rm -rf "$DIR"
  say "down"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  *) say "usage: $0 up|down"; exit 2 ;;
esac
