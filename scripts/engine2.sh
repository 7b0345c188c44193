#!/usr/bin/env bash
# Extra Docker engines for fault tests and the bench, beside the main one and never touching
# it: each has its own bridge, data root, exec root, pid file and socket (and starts its own
# containerd). Never `--bridge=none` (an engine restarted so was seen to delete docker0).
#
#   scripts/engine2.sh start <name> [dockerd args...]   start (or keep) engine <name>; prints its socket
#   scripts/engine2.sh kill <name>                      SIGKILL its dockerd (an outage)
#   scripts/engine2.sh stop <name>                      stop it by pid, unmount and remove its data root
#   scripts/engine2.sh load <name> [image]              load an image of the main engine into it
#   scripts/engine2.sh sock <name>                      print its socket path
#
# <name>: up to 10 of [a-z0-9]. Files under ${DOCKSIDE_ENGINES_DIR:-/tmp/dockside-engines}/<name>.
set -euo pipefail

cmd=${1:-}; name=${2:-}
[[ "$name" =~ ^[a-z0-9]{1,10}$ ]] || { echo "usage: $0 start|kill|stop|load|sock <name> (1-10 of [a-z0-9])" >&2; exit 2; }
shift 2
root="${DOCKSIDE_ENGINES_DIR:-/tmp/dockside-engines}/$name"
sock="$root/docker.sock"
pidf="$root/docker.pid"
br="dsk-$name"
say() { printf 'engine2.sh(%s): %s\n' "$name" "$*" >&2; }
# Running, and not a zombie (a killed dockerd may stay one when nothing reaps it).
running() { [ -r "/proc/$1/stat" ] && ! awk '{ exit ($3 == "Z") ? 0 : 1 }' "/proc/$1/stat"; }
alive() { [ -f "$pidf" ] && running "$(cat "$pidf")"; }
answers() { docker -H "unix://$sock" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

case "$cmd" in
  start)
    [ "$(id -u)" = 0 ] || { say "needs root"; exit 1; }
    mkdir -p "$root/data" "$root/exec"
    if ! ip link show "$br" >/dev/null 2>&1; then
      n=$(( $(printf '%s' "$name" | cksum | cut -d' ' -f1) % 200 + 20 ))
      ip link add "$br" type bridge
      ip addr add "172.31.$n.1/24" dev "$br"
      ip link set "$br" up
    fi
    if ! alive; then
      rm -f "$pidf"   # a killed one's (dockerd refuses to start while its pid exists)
      # A killed dockerd's containerd lives on and blocks the new one's: end it (by pid).
      for p in $(pgrep -f -- "--config $root/exec/containerd/containerd.toml" || true); do
        kill -TERM "$p" 2>/dev/null || true
        for _ in $(seq 1 40); do running "$p" || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null || true
      done
      # Its pid may stay a zombie (nothing reaps it here): dockerd would take it as running.
      rm -f "$root/exec/containerd/containerd.pid"
      nohup dockerd --data-root "$root/data" --exec-root "$root/exec" --pidfile "$pidf" \
        -H "unix://$sock" --bridge="$br" --iptables=false --ip-masq=false "$@" \
        >>"$root/dockerd.log" 2>&1 &
    fi
    for _ in $(seq 1 120); do answers && break; sleep 0.25; done
    answers || { say "did not come up:"; tail -20 "$root/dockerd.log" >&2; exit 1; }
    echo "$sock"
    ;;
  kill)
    alive && kill -KILL "$(cat "$pidf")" || true
    ;;
  stop)
    if alive; then
      pid=$(cat "$pidf"); kill -TERM "$pid" || true
      for _ in $(seq 1 80); do running "$pid" || break; sleep 0.25; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    # Its containerd and shims (started by that dockerd, under its exec root).
    for p in $(pgrep -f -- "$root/exec" || true); do kill -KILL "$p" 2>/dev/null || true; done
    { grep -o " $root/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    ip link del "$br" 2>/dev/null || true
    rm -rf "$root"
    ;;
  load)
    image=${1:-${DOCKSIDE_TEST_IMAGE:-dockside-test/busybox:latest}}
    docker save "$image" | docker -H "unix://$sock" load >/dev/null
    ;;
  sock) echo "$sock" ;;
  *) echo "usage: $0 start|kill|stop|load|sock <name>" >&2; exit 2 ;;
esac
