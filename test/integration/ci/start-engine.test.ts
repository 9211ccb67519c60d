import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/cli.js';

// .ci/start-engine.sh with fake `docker`/`dockerd` first on PATH: every path of the script runs
// for real (MTU, daemon.json, pid file, bounded wait, iptables fallback) without touching the
// engine everyone else uses.
const script = path.join(repoRoot, '.ci', 'start-engine.sh');
const which = (tool: string) => execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
const bashPath = which('bash');

/** A PATH with the basic tools and nothing Docker: a machine where docker.io is not installed. */
function bareToolsPath(): string {
  const tools = path.join(dir, 'tools');
  mkdirSync(tools);
  for (const tool of [
    'sh',
    'bash',
    'awk',
    'cat',
    'seq',
    'sleep',
    'timeout',
    'node',
    'grep',
    'dirname',
    'chmod',
  ]) {
    symlinkSync(which(tool), path.join(tools, tool));
  }
  for (const tool of ['rm', 'nohup', 'tail', 'mkdir', 'touch'])
    symlinkSync(which(tool), path.join(tools, tool));
  return `${path.join(dir, 'bin')}:${tools}`;
}

let dir: string;
const started: number[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'launch-agent-ci-'));
  mkdirSync(path.join(dir, 'bin'));
  // Answers once `up` exists, like a daemon that finished starting.
  fake('docker', `[ -f "${dir}/up" ] || exit 1\n[ "$2" = "--format" ] && echo fake-27.0\nexit 0`);
  fake('update-alternatives', `echo "$*" >> "${dir}/alternatives.log"\ntouch "${dir}/legacy"`);
  fake('iptables-legacy', 'exit 0');
});

afterEach(() => {
  // Only the fake daemons these tests started, by pid.
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid);
    } catch {}
  }
  rmSync(dir, { recursive: true, force: true });
});

function fake(name: string, body: string): void {
  const file = path.join(dir, 'bin', name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

function run(env: NodeJS.ProcessEnv = {}): {
  code: number;
  stdout: string;
  stderr: string;
  pid: number | undefined;
} {
  const result = spawnSync(bashPath, [script], {
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`,
      ENGINE_PID_FILE: path.join(dir, 'pid'),
      ENGINE_LOG_FILE: path.join(dir, 'log'),
      ENGINE_DAEMON_JSON: path.join(dir, 'etc', 'daemon.json'),
      ENGINE_POLICY_RC_D: path.join(dir, 'policy-rc.d'),
      ...env,
    },
  });
  const pidFile = path.join(dir, 'pid');
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : undefined;
  if (pid) started.push(pid);
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr, pid };
}

/** The MTU of the default-route interface, read the way the script reads it. */
function hostMtu(): number {
  const route = readFileSync('/proc/net/route', 'utf8').split('\n').slice(1);
  const iface = route.map((line) => line.split(/\s+/)).find((cols) => cols[1] === '00000000')?.[0] ?? 'eth0';
  try {
    return Number(readFileSync(`/sys/class/net/${iface}/mtu`, 'utf8').trim());
  } catch {
    return 1500;
  }
}

const daemonJson = () =>
  JSON.parse(readFileSync(path.join(dir, 'etc', 'daemon.json'), 'utf8')) as Record<string, unknown>;
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('.ci/start-engine.sh', () => {
  it('does nothing when an engine already answers', () => {
    writeFileSync(path.join(dir, 'up'), '');
    fake('dockerd', 'echo should not start; exit 1');
    const result = run();
    expect(result).toMatchObject({ code: 0, pid: undefined });
    expect(result.stdout).toContain('engine: already answering');
    expect(existsSync(path.join(dir, 'etc', 'daemon.json'))).toBe(false);
  });

  it('starts dockerd, waits until it answers and records its pid; daemon.json keeps other settings', () => {
    mkdirSync(path.join(dir, 'etc'));
    writeFileSync(
      path.join(dir, 'etc', 'daemon.json'),
      '{"registry-mirrors": ["http://mirror"], "mtu": 9000}',
    );
    fake('dockerd', `sleep 1; touch "${dir}/up"; exec sleep 60`);
    const result = run();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`engine: starting dockerd (mtu ${hostMtu()}`);
    expect(result.stdout).toContain('engine: ready (fake-27.0)');
    expect(result.pid).toBeGreaterThan(0);
    expect(isAlive(result.pid!)).toBe(true);
    expect(daemonJson()).toEqual({ 'registry-mirrors': ['http://mirror'], mtu: hostMtu() });
  });

  it('writes daemon.json with the MTU when there is none', () => {
    fake('dockerd', `touch "${dir}/up"; exec sleep 60`);
    expect(run().code).toBe(0);
    expect(daemonJson()).toEqual({ mtu: hostMtu() });
  });

  it('retries with legacy iptables when dockerd cannot set up nf_tables', () => {
    fake(
      'dockerd',
      `if [ -f "${dir}/legacy" ]; then touch "${dir}/up"; exec sleep 60; fi
echo "failed to start daemon: Error initializing network controller: failed to create NAT chain DOCKER: iptables failed"
exit 1`,
    );
    const result = run();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('retrying with the legacy iptables backend');
    expect(readFileSync(path.join(dir, 'alternatives.log'), 'utf8')).toMatch(
      /^--set iptables .*iptables-legacy$/m,
    );
  });

  it('fails fast with the log when dockerd exits, leaving no pid behind', () => {
    fake('dockerd', 'echo "failed to start daemon: some other reason"; exit 1');
    const started = performance.now();
    const result = run();
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(result).toMatchObject({ code: 1, pid: undefined });
    expect(result.stderr).toContain('engine: dockerd exited; its log:');
    expect(result.stderr).toContain('failed to start daemon: some other reason');
  });

  it('installs docker.io when dockerd is missing, with services kept from starting, then starts it', () => {
    rmSync(path.join(dir, 'bin', 'docker'));
    const bin = path.join(dir, 'bin');
    // apt-get "installs" the fakes; it records whether policy-rc.d held services back meanwhile.
    fake(
      'apt-get',
      `echo "$*" >> "${dir}/apt.log"
[ "$1" = install ] || exit 0
[ -x "${dir}/policy-rc.d" ] && "${dir}/policy-rc.d"; echo "policy exit $?" >> "${dir}/apt.log"
printf '#!/bin/sh\\n[ -f "${dir}/up" ] || exit 1\\nexit 0\\n' > "${bin}/docker"
printf '#!/bin/sh\\ntouch "${dir}/up"\\nexec sleep 60\\n' > "${bin}/dockerd"
chmod +x "${bin}/docker" "${bin}/dockerd"`,
    );
    const result = run({ PATH: bareToolsPath() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('engine: installing docker.io');
    expect(result.stdout).toMatch(/engine: ready/);
    expect(readFileSync(path.join(dir, 'apt.log'), 'utf8').split('\n')).toEqual([
      'update -qq',
      'install -y -qq docker.io',
      'policy exit 101',
      '',
    ]);
    // The temporary policy is gone once the script is done.
    expect(existsSync(path.join(dir, 'policy-rc.d'))).toBe(false);
    expect(result.pid).toBeGreaterThan(0);
  });

  it('leaves alone a daemon the package started itself, and an existing policy-rc.d', () => {
    rmSync(path.join(dir, 'bin', 'docker'));
    const bin = path.join(dir, 'bin');
    writeFileSync(path.join(dir, 'policy-rc.d'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    fake(
      'apt-get',
      `[ "$1" = install ] || exit 0
printf '#!/bin/sh\\nexit 0\\n' > "${bin}/docker"
printf '#!/bin/sh\\nexit 1\\n' > "${bin}/dockerd"
chmod +x "${bin}/docker" "${bin}/dockerd"`,
    );
    const result = run({ PATH: bareToolsPath() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('engine: the package started one');
    expect(result.pid).toBeUndefined();
    expect(readFileSync(path.join(dir, 'policy-rc.d'), 'utf8')).toBe('#!/bin/sh\nexit 0\n');
  });
});
