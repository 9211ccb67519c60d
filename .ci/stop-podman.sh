#!/usr/bin/env bash
# Stop the Podman services start-podman.sh started (their PIDs are in $PODMAN_PID_DIR/*.pid), and
# nothing else. Containers keep running under conmon; each test removes its own.
set -uo pipefail
pid_dir=${PODMAN_PID_DIR:-/tmp/launch-agent-ci-podman}
for kind in rootful rootless; do
  pid_file=$pid_dir/$kind.pid
  [ -s "$pid_file" ] || continue
  ENGINE_PID_FILE=$pid_file ENGINE_STOP_TIMEOUT=${ENGINE_STOP_TIMEOUT:-15} bash "$(dirname "$0")/stop-engine.sh" |
    sed "s/dockerd/podman $kind service/g"
done
