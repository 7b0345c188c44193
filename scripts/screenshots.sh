#!/usr/bin/env bash
# Make the PNG screenshots in screenshots/ from the real program, driven in tmux.
#
# - Builds the release binary.
# - Creates a small demo fleet on the local engine, every container labelled
#   `dockside.shot=1` (and removed at the end, also on error): a web server, a logger
#   with coloured stdout and some stderr, a CPU burner, a backup job in a compose project
#   with a CJK name, an exited one, a paused one and a compose-like pair (shop: api, db).
# - Runs dockside in a detached tmux session (its own tmux server, -L dockside-shot),
#   sends keys, captures the pane with its colours (capture-pane -e) and renders each
#   capture with scripts/ansi2png.py.
#
# Needs: docker, tmux, python3 with Pillow, fonts-dejavu-core (fonts-noto-cjk for CJK).
# Usage: scripts/screenshots.sh
#   SHOT_TMP=dir   keep the raw captures (*.ansi) there (default: a temp dir)
#   SHOT_NO_BUILD=1  use target/release/dockside as it is
# Containers already on the engine appear in the list too: run it on a quiet engine.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
IMAGE="${DOCKSIDE_TEST_IMAGE:-dockside-test/busybox:latest}"
OUT="$ROOT/screenshots"
TMP="${SHOT_TMP:-$(mktemp -d /tmp/dockside-shots.XXXXXX)}"
LABEL="dockside.shot=1"
SOCK="dockside-shot"                 # private tmux server: never touches other sessions
T=(tmux -L "$SOCK" -f /dev/null)
S=shot
BIN="$ROOT/target/release/dockside"

say() { printf 'screenshots.sh: %s\n' "$*" >&2; }

cleanup() {
  "${T[@]}" kill-server 2>/dev/null || true
  local ids
  ids=$(docker ps -aq --filter "label=$LABEL" 2>/dev/null || true)
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086
    docker unpause $ids >/dev/null 2>&1 || true
    # shellcheck disable=SC2086
    docker rm -f $ids >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

python3 -c 'import PIL' 2>/dev/null || { say "needs Pillow: pip install pillow"; exit 1; }
command -v tmux >/dev/null || { say "needs tmux"; exit 1; }
docker version --format '{{.Server.Version}}' >/dev/null || { say "no Docker engine"; exit 1; }
docker image inspect "$IMAGE" >/dev/null 2>&1 || { say "no image $IMAGE: run scripts/engine.sh"; exit 1; }

if [ -z "${SHOT_NO_BUILD:-}" ]; then
  say "building the release binary"
  if ! cargo build --release --bin dockside; then
    # The tree may be mid-edit: fall back to the last good binary rather than fail.
    [ -x "$BIN" ] || exit 1
    say "build failed: using the existing $BIN ($(date -r "$BIN" '+%F %T'))"
  fi
fi

# --- demo fleet ------------------------------------------------------------------------
cleanup   # leftovers of an interrupted run (only ours: by label)
for n in web logger busy db-backup migrate worker shop-api-1 shop-db-1; do
  if docker container inspect "$n" >/dev/null 2>&1; then
    say "a container named $n exists and is not ours; remove it or rename the demo"; exit 1
  fi
done

run() { docker run -d --label "$LABEL" "$@" >/dev/null; }

say "creating the demo fleet"
run --name web -p 127.0.0.1:8088:80 "$IMAGE" httpd -f -v -p 80

# Coloured log lines on stdout, warnings and errors on stderr, a line every ~0.4 s.
LOGGER='
i=0
paths="/api/cart /api/checkout /api/items /health /api/users/42 /static/app.js"
while :; do
  i=$((i+1))
  for p in $paths; do
    case $((i % 7)) in
      0) printf "\033[33mWARN \033[0m slow query on orders (%d ms) path=%s\n" $((200 + i % 300)) "$p" >&2 ;;
      3) printf "\033[31mERROR\033[0m checkout failed: payment gateway timeout (order=%d)\n" $((1000 + i)) >&2 ;;
      5) printf "\033[36mDEBUG\033[0m cache \033[1mhit\033[0m key=user:%d ratio=0.%d\n" $((i % 50)) $((80 + i % 19)) ;;
      *) printf "\033[32mINFO \033[0m GET %s \033[1;32m200\033[0m %dms\n" "$p" $((3 + (i * 7) % 40)) ;;
    esac
    i=$((i+1))
    [ $((i % 11)) = 0 ] && printf "\033[32mINFO \033[0m 订单已创建 order=%d 用户=张伟\n" $((1000 + i))
    [ $((i % 17)) = 0 ] && printf "\033[32mINFO \033[0m 🚀 deploy v2.4.%d finished ✅ (canary 10%%)\n" $((i / 17))
    sleep 0.4
  done
done'
run --name logger "$IMAGE" sh -c "$LOGGER"

run --name busy --cpus 0.5 "$IMAGE" sh -c 'while :; do :; done'
run --name db-backup \
  --label com.docker.compose.project=数据库 --label com.docker.compose.service=backup \
  "$IMAGE" sh -c 'while :; do echo "备份 数据库 $(date +%T) 完成"; sleep 5; done'
docker create --name migrate --label "$LABEL" "$IMAGE" sh -c 'echo migrating; exit 3' >/dev/null
docker start migrate >/dev/null
run --name worker "$IMAGE" sleep 86400
docker pause worker >/dev/null
run --name shop-api-1 \
  --label com.docker.compose.project=shop --label com.docker.compose.service=api \
  "$IMAGE" sh -c 'echo "api listening on :8080"; exec httpd -f -p 8080'
run --name shop-db-1 \
  --label com.docker.compose.project=shop --label com.docker.compose.service=db \
  "$IMAGE" sh -c 'echo "db ready"; exec sleep 86400'
sleep 3   # let the logger write a screenful and the exited one exit

# --- drive the UI ----------------------------------------------------------------------
keys() { "${T[@]}" send-keys -t "$S" "$@"; }
text() { "${T[@]}" send-keys -t "$S" -l "$1"; }
pane() { "${T[@]}" capture-pane -p -t "$S" "$@"; }
shot() { # name: capture with colours, render to screenshots/name.png
  pane -e >"$TMP/$1.ansi"
  python3 "$ROOT/scripts/ansi2png.py" "$TMP/$1.ansi" "$OUT/$1.png"
  say "screenshots/$1.png"
}
wait_for() { # text [seconds]: wait until the pane shows text
  local i
  for ((i = 0; i < ${2:-15} * 10; i++)); do
    pane | grep -qF -- "$1" && return 0
    sleep 0.1
  done
  say "timed out waiting for '$1' on screen:"; pane >&2; exit 1
}
select_row() { # name: filter the list to the container whose name starts with it (selects
  # it; nucleo syntax ^prefix), then clear the filter: the selection stays
  keys Escape; sleep 0.2
  keys /; text "^$1"; keys Enter; sleep 0.5
  keys Escape; sleep 0.5
}

mkdir -p "$OUT"
env -u NO_COLOR "${T[@]}" new-session -d -s "$S" -x 160 -y 45 \
  -e COLORTERM=truecolor -e LANG=C.UTF-8 "$BIN"
"${T[@]}" set-option -t "$S" status off
"${T[@]}" set-option -t "$S" window-size manual 2>/dev/null || true
wait_for shop-api-1 20
sleep 2

say "main screen"
select_row logger
wait_for "checkout failed" 10
sleep 2
shot main

say "stats"
select_row busy
keys t
sleep 6
shot stats

say "log search"
select_row logger
keys l; sleep 1
keys Tab; sleep 0.3
keys /; text checkout; keys Enter
sleep 1
shot search
keys G; sleep 0.3        # back to following
keys Escape; sleep 0.3   # clear the search
keys Escape; sleep 0.3   # back to the list

say "help"
keys '?'
sleep 1
shot help
keys Escape; sleep 0.5

say "embedded shell"
select_row web
keys e
sleep 2
text 'ls /bin | head'; keys Enter; sleep 1
text 'top -b -n 1 | head -5'; keys Enter; sleep 1.5
shot exec
keys C-g; sleep 0.5

say "processes"
select_row web
keys P
wait_for "refreshed every 2 s" 10
sleep 1
shot top
keys l; sleep 0.3

say "events"
docker restart -t 0 shop-db-1 >/dev/null
docker start migrate >/dev/null
sleep 2
keys 6
wait_for "restart" 10
sleep 0.5
shot events
keys 1; sleep 0.5

say "projects"
keys 7
wait_for "shop" 10
sleep 0.5
keys Enter; sleep 0.5    # the project's services
shot projects
keys Escape; sleep 0.3
keys 1; sleep 0.5

say "files"
select_row web
keys F
wait_for "bin" 10
sleep 0.5
shot files
keys l; sleep 0.3

say "command log"
keys H
wait_for "docker exec" 10
sleep 0.5
shot commands
keys 1; sleep 0.5

say "80x24"
"${T[@]}" resize-window -t "$S" -x 80 -y 24
sleep 1
select_row logger
keys l
sleep 1.5
shot small

keys q
sleep 0.5
say "done: $(ls "$OUT" | tr '\n' ' ')"
