#!/usr/bin/env bash
# Make sure a Docker Engine answers. When none does: install docker.io from Debian, set the
# engine MTU to the default-route interface's (a larger one stalls TLS from containers) and
# start dockerd in the background. Prints the PID of a dockerd it started to $ENGINE_PID_FILE.
set -euo pipefail
pid_file=${ENGINE_PID_FILE:-/tmp/launch-agent-ci-dockerd.pid}

if docker version >/dev/null 2>&1; then
  echo "engine: already answering"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "engine: installing docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi

iface=$(ip route show default 2>/dev/null | awk '/default/ {for (i=1;i<NF;i++) if ($i=="dev") print $(i+1); exit}')
mtu=$(cat "/sys/class/net/${iface:-eth0}/mtu" 2>/dev/null || echo 1500)
mkdir -p /etc/docker
if [ ! -f /etc/docker/daemon.json ] || ! grep -q "\"mtu\": *$mtu" /etc/docker/daemon.json; then
  printf '{"mtu": %s}\n' "$mtu" > /etc/docker/daemon.json
fi
echo "engine: starting dockerd (mtu $mtu)"
nohup dockerd >/tmp/launch-agent-ci-dockerd.log 2>&1 &
echo $! > "$pid_file"

for _ in $(seq 1 60); do
  if docker version >/dev/null 2>&1; then
    echo "engine: ready ($(docker version --format '{{.Server.Version}}'))"
    exit 0
  fi
  sleep 1
done
echo "engine: dockerd did not answer within 60 s; its log:" >&2
tail -n 40 /tmp/launch-agent-ci-dockerd.log >&2
exit 1
