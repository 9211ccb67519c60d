#!/usr/bin/env bash
# Make sure a Docker Engine answers. When none does: install docker.io from Debian, set the
# engine MTU to the default-route interface's (a larger one stalls TLS from containers) and
# start dockerd in the background. Prints the PID of a dockerd it started to $ENGINE_PID_FILE,
# so the caller stops exactly that one (and never an engine that was already running).
set -euo pipefail
pid_file=${ENGINE_PID_FILE:-/tmp/launch-agent-ci-dockerd.pid}
log_file=${ENGINE_LOG_FILE:-/tmp/launch-agent-ci-dockerd.log}
daemon_json=${ENGINE_DAEMON_JSON:-/etc/docker/daemon.json}
policy_rc_d=${ENGINE_POLICY_RC_D:-/usr/sbin/policy-rc.d}

answers() { command -v docker >/dev/null 2>&1 && timeout 20 docker version >/dev/null 2>&1; }

if answers; then
  echo "engine: already answering"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  echo "engine: installing docker.io"
  export DEBIAN_FRONTEND=noninteractive
  # Keep the package's scripts from starting a daemon we would not know to stop.
  if [ ! -e "$policy_rc_d" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy_rc_d"
    chmod 0755 "$policy_rc_d"
    trap 'rm -f "$policy_rc_d"' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
  if answers; then
    echo "engine: the package started one"
    exit 0
  fi
fi

# The default-route interface from /proc (iproute2 may be missing on a fresh machine).
iface=$(awk '$2 == "00000000" { print $1; exit }' /proc/net/route 2>/dev/null || true)
mtu=$(cat "/sys/class/net/${iface:-eth0}/mtu" 2>/dev/null || echo 1500)
mkdir -p "$(dirname "$daemon_json")"
if [ -s "$daemon_json" ]; then
  # Keep whatever else is configured there; only set the MTU.
  node -e '
    const fs = require("fs");
    const [file, mtu] = process.argv.slice(1);
    const config = JSON.parse(fs.readFileSync(file, "utf8"));
    if (config.mtu !== Number(mtu)) {
      config.mtu = Number(mtu);
      fs.writeFileSync(file, JSON.stringify(config, null, 2) + "\n");
    }
  ' "$daemon_json" "$mtu"
else
  printf '{"mtu": %s}\n' "$mtu" > "$daemon_json"
fi

# A dockerd that died leaves its pid file behind, and a new one refuses to start over it.
if [ -s /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
  rm -f /var/run/docker.pid
fi

# Starts dockerd and waits (bounded) for it. Returns 0 when it answers, 2 when it exited early.
start_dockerd() {
  echo "engine: starting dockerd (mtu $mtu on ${iface:-eth0})"
  nohup dockerd >"$log_file" 2>&1 &
  pid=$!
  echo "$pid" > "$pid_file"
  for _ in $(seq 1 60); do
    if answers; then
      echo "engine: ready ($(docker version --format '{{.Server.Version}}'))"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pid_file"
      return 2
    fi
    sleep 1
  done
  echo "engine: dockerd did not answer within 60 s; its log:" >&2
  tail -n 40 "$log_file" >&2
  exit 1
}

status=0
start_dockerd || status=$?
# Kernels without nf_tables (some nested containers) need the legacy iptables backend.
if [ "$status" = 2 ] && grep -qiE 'iptables|nf_tables' "$log_file" && command -v iptables-legacy >/dev/null 2>&1 &&
  command -v update-alternatives >/dev/null 2>&1; then
  echo "engine: dockerd could not set up iptables; retrying with the legacy iptables backend"
  update-alternatives --set iptables "$(command -v iptables-legacy)" >/dev/null
  if command -v ip6tables-legacy >/dev/null 2>&1; then
    update-alternatives --set ip6tables "$(command -v ip6tables-legacy)" >/dev/null || true
  fi
  status=0
  start_dockerd || status=$?
fi
if [ "$status" != 0 ]; then
  echo "engine: dockerd exited; its log:" >&2
  tail -n 40 "$log_file" >&2
  exit 1
fi
