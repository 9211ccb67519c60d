#!/usr/bin/env bash
# Make two Podman engines answer for the Podman e2e project, as root, without touching the
# machine's own Podman configuration:
#   rootful:  podman system service on its own socket, storage under $root/rootful
#   rootless: the same as the user $PODMAN_CI_USER (made here, with subuid/subgid ranges)
# Each gets a private containers.conf (CONTAINERS_CONF) with `default_ulimits = []`: machines
# without CAP_SYS_RESOURCE cannot raise the nofile limit Podman asks for by default. Prints the
# two DOCKER_HOST values to $PODMAN_ENV_FILE (sourced by .ci/run) and the PIDs of the services it
# started to $PODMAN_PID_DIR/*.pid, so the caller stops exactly those.
set -euo pipefail
root=${PODMAN_CI_ROOT:-/var/lib/launch-agent-ci}
run=${PODMAN_CI_RUN:-/run/launch-agent-ci}
user=${PODMAN_CI_USER:-launch-agent-ci}
pid_dir=${PODMAN_PID_DIR:-/tmp/launch-agent-ci-podman}
env_file=${PODMAN_ENV_FILE:-$pid_dir/env}
mkdir -p "$pid_dir"

if ! command -v podman >/dev/null 2>&1 || ! command -v newuidmap >/dev/null 2>&1; then
  echo "podman: installing podman, uidmap, slirp4netns, fuse-overlayfs"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends podman uidmap slirp4netns fuse-overlayfs >/dev/null
fi

if ! id -u "$user" >/dev/null 2>&1; then
  useradd --create-home --home-dir "$root/rootless" --shell /usr/sbin/nologin "$user"
fi
uid=$(id -u "$user")
gid=$(id -g "$user")
home=$(getent passwd "$user" | cut -d: -f6)
# useradd adds ranges on Debian; a user made elsewhere may lack them.
grep -q "^$user:" /etc/subuid || usermod --add-subuids 200000-265535 "$user"
grep -q "^$user:" /etc/subgid || usermod --add-subgids 200000-265535 "$user"

mkdir -p "$root/rootful" "$run/rootful" "$run/rootless/podman" "$home"
chmod 755 "$root" "$run"
chmod 700 "$root/rootful" "$run/rootful"
chown "$uid:$gid" "$home" "$run/rootless" "$run/rootless/podman"
chmod 700 "$run/rootless"

write_conf() { # dir graphroot runroot
  cat > "$1/containers.conf" <<'EOF'
# launch-agent CI: this sandbox lacks CAP_SYS_RESOURCE, and nothing runs systemd.
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
  cat > "$1/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$2"
runroot = "$3"
EOF
}
write_conf "$root/rootful" "$root/rootful/storage" "$run/rootful/storage"
write_conf "$home" "$home/storage" "$run/rootless/storage"
chown "$uid:$gid" "$home/containers.conf" "$home/storage.conf"

answers() { # socket (node: curl may be missing on a fresh machine)
  [ -S "$1" ] && node -e '
    const req = require("http").get({ socketPath: process.argv[1], path: "/_ping", timeout: 10000 },
      (res) => process.exit(res.statusCode === 200 ? 0 : 1));
    req.on("error", () => process.exit(1));
    req.on("timeout", () => process.exit(1));
  ' "$1"
}

wait_for() { # name socket pid log
  for _ in $(seq 1 60); do
    if answers "$2"; then
      echo "podman: $1 answers at unix://$2 (pid $3)"
      return 0
    fi
    kill -0 "$3" 2>/dev/null || break
    sleep 0.5
  done
  echo "podman: $1 did not start; its log:" >&2
  cat "$4" >&2
  return 1
}

rootful_sock=$run/rootful/podman.sock
if answers "$rootful_sock"; then
  echo "podman: rootful already answering"
else
  CONTAINERS_CONF=$root/rootful/containers.conf CONTAINERS_STORAGE_CONF=$root/rootful/storage.conf \
    podman system service --time=0 "unix://$rootful_sock" >"$pid_dir/rootful.log" 2>&1 &
  echo $! >"$pid_dir/rootful.pid"
  wait_for rootful "$rootful_sock" "$!" "$pid_dir/rootful.log"
fi

rootless_sock=$run/rootless/podman/podman.sock
if answers "$rootless_sock"; then
  echo "podman: rootless already answering"
else
  (cd "$home" && exec setpriv --reuid="$uid" --regid="$gid" --init-groups env -i \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" USER="$user" XDG_RUNTIME_DIR="$run/rootless" \
    CONTAINERS_CONF="$home/containers.conf" CONTAINERS_STORAGE_CONF="$home/storage.conf" \
    podman system service --time=0 "unix://$rootless_sock") >"$pid_dir/rootless.log" 2>&1 &
  echo $! >"$pid_dir/rootless.pid"
  wait_for rootless "$rootless_sock" "$!" "$pid_dir/rootless.log"
fi

cat >"$env_file" <<EOF
export LAUNCH_AGENT_TEST_PODMAN_ROOTFUL=unix://$rootful_sock
export LAUNCH_AGENT_TEST_PODMAN_ROOTLESS=unix://$rootless_sock
EOF
