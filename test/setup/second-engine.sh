#!/usr/bin/env bash
# A second Docker Engine that cannot see this machine's files, for the remote-engine tests:
# dockerd inside a container, its socket in a host folder, its storage on a docker volume.
#
#   second-engine.sh start [--if-running]
#                                   start it (or find it running); prints the DOCKER_HOST to use.
#                                   --if-running: only find it (exit 1 when it is not running)
#   second-engine.sh load IMAGE...  copy images into it (docker save | docker load), skipping
#                                   those it already has (same id)
#   second-engine.sh restart        restart its dockerd (as a reboot of that machine would)
#   second-engine.sh stop           remove the container it started and its volume (only those)
#
# The engine's image is built locally FROM the test base image with Debian's docker.io (no
# registry is reachable here). --privileged fails in this sandbox (no CAP_SYS_RESOURCE), so the
# container gets every other capability, no seccomp/AppArmor profile and the host's cgroups.
# Settings (env): LAUNCH_AGENT_SECOND_ENGINE_NAME (container, volume and image name; default
# launch-agent-test-second-engine), LAUNCH_AGENT_SECOND_ENGINE_DIR (the socket's host folder;
# default /tmp/<name>), LAUNCH_AGENT_TEST_BASE_IMAGE, LAUNCH_AGENT_TEST_SECOND_ENGINE (its
# DOCKER_HOST, as `start` printed it; default unix://<dir>/docker.sock).
set -euo pipefail

name=${LAUNCH_AGENT_SECOND_ENGINE_NAME:-launch-agent-test-second-engine}
dir=${LAUNCH_AGENT_SECOND_ENGINE_DIR:-/tmp/$name}
base=${LAUNCH_AGENT_TEST_BASE_IMAGE:-launch-agent-test/node:22-bookworm-slim}
volume="$name-data"
socket="$dir/docker.sock"
id_file="$dir/container-id"
inner="docker --host ${LAUNCH_AGENT_TEST_SECOND_ENGINE:-unix://$socket}"
log() { echo "second engine: $*" >&2; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
since() { echo "$((($(now_ms) - $1) / 100))" | sed -E 's/([0-9])$/.\1/; s/^\./0./'; }

# The image's tag follows what it is made of: the recipe below and the base image's id.
recipe() {
  cat <<'EOF'
ARG BASE
FROM ${BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io iptables iproute2 >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
# The outer network's MTU (like the host engine's): a larger one stalls TLS from inner containers.
ENTRYPOINT ["sh", "-c", "exec dockerd --host unix:///run/second-engine/docker.sock --storage-driver overlay2 --mtu \"$(cat /sys/class/net/eth0/mtu)\" \"$@\"", "dockerd"]
EOF
}

answers() { timeout 10 $inner version --format '{{.Server.Version}}' >/dev/null 2>&1; }

ensure_image() {
  local base_id hash
  base_id=$(docker image inspect --format '{{.Id}}' "$base") || {
    log "the test base image $base is missing: run bash test/setup/make-base-image.sh $base"
    exit 1
  }
  hash=$( (recipe; echo "$base_id") | sha256sum | cut -c1-12)
  image="$name:$hash"
  if docker image inspect "$image" >/dev/null 2>&1; then return; fi
  log "building $image from $base (Debian's docker.io)"
  mkdir -p "$dir"
  recipe | docker build -q --build-arg "BASE=$base" --label dev.launch-agent.test=second-engine -t "$image" - \
    >/dev/null 2>"$dir/build.log" || {
    log "building $image failed:"
    tail -n 30 "$dir/build.log" >&2
    exit 1
  }
}

start() {
  local t0 state
  t0=$(now_ms)
  state=$(docker inspect --format '{{.State.Running}}' "$name" 2>/dev/null || true)
  if [ "$state" = true ] && answers; then
    log "already running"
    echo "unix://$socket"
    return
  fi
  if [ "${1:-}" = --if-running ]; then exit 1; fi
  # A stopped one of ours (same name and label), e.g. after a reboot: made anew.
  if [ -n "$state" ]; then
    [ "$(docker inspect --format '{{index .Config.Labels "dev.launch-agent.test"}}' "$name")" = second-engine ] || {
      log "a container named $name exists and is not ours; set LAUNCH_AGENT_SECOND_ENGINE_NAME"
      exit 1
    }
    docker rm -f "$name" >/dev/null
  fi
  ensure_image
  mkdir -p "$dir"
  rm -f "$socket" "$id_file"
  # A host name of its own: the launcher then sees an engine on another machine.
  docker run -d --name "$name" --hostname "$name" --cidfile "$id_file" \
    --label dev.launch-agent.test=second-engine \
    --cap-add ALL --cap-drop SYS_RESOURCE \
    --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
    --cgroupns host -v /sys/fs/cgroup:/sys/fs/cgroup:rw \
    -v "$dir:/run/second-engine" \
    --mount "type=volume,source=$volume,target=/var/lib/docker" \
    "$image" >/dev/null
  for _ in $(seq 1 60); do
    if answers; then
      log "ready after $(since "$t0") s ($($inner version --format '{{.Server.Version}}'))"
      echo "unix://$socket"
      return
    fi
    if [ "$(docker inspect --format '{{.State.Running}}' "$name" 2>/dev/null)" != true ]; then break; fi
    sleep 1
  done
  log "dockerd did not answer; its log:"
  docker logs --tail 40 "$name" >&2 || true
  exit 1
}

load() {
  answers || { log "not running: run $0 start first"; exit 1; }
  local wanted=() ref
  for ref in "$@"; do
    local id
    id=$(docker image inspect --format '{{.Id}}' "$ref")
    if [ "$($inner image inspect --format '{{.Id}}' "$ref" 2>/dev/null)" != "$id" ]; then wanted+=("$ref"); fi
  done
  if [ ${#wanted[@]} -eq 0 ]; then
    log "has ${*} already"
    return
  fi
  local t0
  t0=$(now_ms)
  # One save: layers the images share are sent once.
  docker save "${wanted[@]}" | $inner load -q >/dev/null
  log "loaded ${wanted[*]} in $(since "$t0") s"
}

restart() {
  local t0
  t0=$(now_ms)
  docker restart -t 10 "$name" >/dev/null
  for _ in $(seq 1 60); do
    if answers; then
      log "restarted in $(since "$t0") s"
      return
    fi
    sleep 0.5
  done
  log "dockerd did not answer after a restart; its log:"
  docker logs --tail 40 "$name" >&2 || true
  exit 1
}

stop() {
  # Only the container `start` made (its id), and the volume only once nothing uses it.
  if [ -s "$id_file" ]; then
    log "removing its container and volume"
    docker rm -f "$(cat "$id_file")" >/dev/null 2>&1 || true
  fi
  if docker volume inspect "$volume" >/dev/null 2>&1; then
    docker volume rm "$volume" >/dev/null || log "volume $volume is still in use; left as it is"
  fi
  rm -f "$socket" "$id_file"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  load) shift; load "$@" ;;
  restart) restart ;;
  stop) stop ;;
  *)
    echo "usage: $0 start [--if-running]|load IMAGE...|restart|stop" >&2
    exit 2
    ;;
esac
