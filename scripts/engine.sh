#!/usr/bin/env bash
# Make sure a Docker engine is reachable for dockside's tests and benchmarks.
#
# - Installs what the fault tests need when missing: openssh-server (an sshd on a
#   loopback port for ssh:// tests), openssl (certificates for TLS tests).
# - If an engine already answers (a developer laptop with Docker running), use it.
# - Otherwise, when running as root with apt (CI machines), install Debian's docker.io,
#   busybox-static, tmux and docker-registry, start dockerd in the background and wait
#   for its socket.
# - Build the test image `dockside-test/busybox:latest` FROM scratch with the static
#   busybox (no registry is reachable here) unless it exists.
# - Start a local registry v2 on 127.0.0.1:5000 for push/pull tests when possible.
#
# Usage: scripts/engine.sh            (idempotent; safe to run many times)
set -euo pipefail

IMAGE="${DOCKSIDE_TEST_IMAGE:-dockside-test/busybox:latest}"
LOGDIR="${DOCKSIDE_ENGINE_LOGDIR:-/tmp/dockside-engine}"
mkdir -p "$LOGDIR"

say() { printf 'engine.sh: %s\n' "$*" >&2; }

engine_up() { command -v docker >/dev/null 2>&1 && docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

need_pkgs=()
command -v docker >/dev/null 2>&1 || need_pkgs+=(docker.io)
command -v dockerd >/dev/null 2>&1 || need_pkgs+=(docker.io)
[ -x /bin/busybox ] || [ -x /usr/bin/busybox ] || need_pkgs+=(busybox-static)
command -v tmux >/dev/null 2>&1 || need_pkgs+=(tmux)
command -v docker-registry >/dev/null 2>&1 || need_pkgs+=(docker-registry)
command -v docker-compose >/dev/null 2>&1 || need_pkgs+=(docker-compose)
# ssh:// engine tests run an sshd of their own on a loopback port (tests/engine_faults.rs).
[ -x /usr/sbin/sshd ] || need_pkgs+=(openssh-server)
command -v openssl >/dev/null 2>&1 || need_pkgs+=(openssl)

if [ "${#need_pkgs[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >"$LOGDIR/apt.log" 2>&1
    apt-get install -y -qq "${need_pkgs[@]}" >>"$LOGDIR/apt.log" 2>&1 || {
      tail -20 "$LOGDIR/apt.log" >&2; exit 1; }
  elif engine_up; then
    say "warning: missing ${need_pkgs[*]} (not root with apt); tests that need them will fail"
  else
    say "no engine answers and cannot install one (need root + apt): missing ${need_pkgs[*]}"
    exit 1
  fi
fi

if ! engine_up; then
  if [ "$(id -u)" != 0 ]; then
    say "no Docker engine answers and I am not root to start dockerd"; exit 1
  fi
  say "starting dockerd (log: $LOGDIR/dockerd.log)"
  # containerd is started by dockerd itself when not running.
  nohup dockerd --host=unix:///var/run/docker.sock >"$LOGDIR/dockerd.log" 2>&1 &
  for _ in $(seq 1 120); do
    engine_up && break
    sleep 0.5
  done
  engine_up || { say "dockerd did not come up:"; tail -30 "$LOGDIR/dockerd.log" >&2; exit 1; }
fi
say "engine up: $(docker version --format '{{.Server.Version}}')"

# Test image: FROM scratch + static busybox.
if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  BB=$(command -v busybox || true)
  [ -n "$BB" ] || { [ -x /bin/busybox ] && BB=/bin/busybox; }
  # Debian's busybox-static provides /bin/busybox as a static binary.
  if ! file "$BB" 2>/dev/null | grep -q 'statically linked' && [ -x /bin/busybox ]; then BB=/bin/busybox; fi
  ctx=$(mktemp -d)
  cp "$BB" "$ctx/busybox"
  cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "mkdir", "-p", "/usr/bin", "/sbin", "/usr/sbin", "/tmp", "/etc", "/root"]
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd && echo 'root:x:0:' > /etc/group
ENV PATH=/bin:/usr/bin:/sbin:/usr/sbin
CMD ["sh"]
DOCKERFILE
  say "building $IMAGE"
  DOCKER_BUILDKIT=0 docker build -q -t "$IMAGE" "$ctx" >"$LOGDIR/build.log" 2>&1 || {
    cat "$LOGDIR/build.log" >&2; rm -rf "$ctx"; exit 1; }
  rm -rf "$ctx"
fi
say "test image ready: $IMAGE"

# Local registry v2 for push/pull tests (best effort unless required).
if command -v docker-registry >/dev/null 2>&1; then
  if ! (exec 3<>/dev/tcp/127.0.0.1/5000) 2>/dev/null; then
    mkdir -p "$LOGDIR/registry"
    cat >"$LOGDIR/registry.yml" <<YML
version: 0.1
storage:
  filesystem:
    rootdirectory: $LOGDIR/registry
http:
  addr: 127.0.0.1:5000
YML
    nohup docker-registry serve "$LOGDIR/registry.yml" >"$LOGDIR/registry.log" 2>&1 &
    for _ in $(seq 1 40); do (exec 3<>/dev/tcp/127.0.0.1/5000) 2>/dev/null && break; sleep 0.25; done
  fi
  (exec 3<>/dev/tcp/127.0.0.1/5000) 2>/dev/null && say "registry on 127.0.0.1:5000" || say "registry did not start (see $LOGDIR/registry.log)"
fi
