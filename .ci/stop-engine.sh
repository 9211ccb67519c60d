#!/usr/bin/env bash
# Stop the dockerd that start-engine.sh started (its PID is in $ENGINE_PID_FILE), and nothing
# else: an engine that was already running has no PID file. SIGTERM, then SIGKILL after
# $ENGINE_STOP_TIMEOUT seconds (default 30).
set -uo pipefail
pid_file=${ENGINE_PID_FILE:-/tmp/launch-agent-ci-dockerd.pid}
timeout_s=${ENGINE_STOP_TIMEOUT:-30}

# Gone, or a zombie nobody reaped yet (PID 1 in a container may never reap it): stopped either way.
alive() { kill -0 "$1" 2>/dev/null && ! grep -qE '^[0-9]+ \(.*\) Z' "/proc/$1/stat" 2>/dev/null; }

[ -s "$pid_file" ] || exit 0
pid=$(cat "$pid_file")
echo "engine: stopping the dockerd this run started (pid $pid)"
kill "$pid" 2>/dev/null || true
for _ in $(seq 1 "$timeout_s"); do
  alive "$pid" || break
  sleep 1
done
if alive "$pid"; then
  echo "engine: dockerd $pid still running after ${timeout_s} s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$pid_file"
