import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/cli.js';

// .ci/stop-engine.sh against stand-in daemons these tests start (and only those).
const script = path.join(repoRoot, '.ci', 'stop-engine.sh');
let dir: string;
const pids: number[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'launch-agent-ci-stop-'));
});

afterEach(() => {
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  rmSync(dir, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A stand-in daemon; `stubborn` ignores SIGTERM like a dockerd stuck on shutdown. */
async function daemon(stubborn: boolean): Promise<number> {
  const code = stubborn
    ? "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"
    : 'setInterval(() => {}, 1000)';
  const child = spawn(process.execPath, ['-e', `${code}; console.log('up')`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  child.unref();
  pids.push(child.pid!);
  return child.pid!;
}

/** Async on purpose: the stand-ins are our children, reaped only while the event loop runs. */
async function stop(env: NodeJS.ProcessEnv = {}): Promise<{ status: number; stdout: string }> {
  const child = spawn('bash', [script], {
    env: { ...process.env, ENGINE_PID_FILE: path.join(dir, 'pid'), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const status = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return { status, stdout };
}

describe('.ci/stop-engine.sh', () => {
  it('does nothing without a pid file (an engine it did not start)', async () => {
    const result = await stop();
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
  });

  it('stops the daemon whose pid it was given, and removes the pid file', async () => {
    const pid = await daemon(false);
    writeFileSync(path.join(dir, 'pid'), `${pid}\n`);
    const result = await stop();
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`stopping the dockerd this run started (pid ${pid})`);
    expect(alive(pid)).toBe(false);
    expect(existsSync(path.join(dir, 'pid'))).toBe(false);
  });

  it('counts a stopped daemon nobody has reaped yet (a zombie) as stopped', async () => {
    const pid = await daemon(false);
    writeFileSync(path.join(dir, 'pid'), `${pid}\n`);
    // Blocking this process keeps it from reaping its child: the daemon stays a zombie.
    const started = performance.now();
    const result = spawnSync('bash', [script], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, ENGINE_PID_FILE: path.join(dir, 'pid') },
    });
    expect(result.status).toBe(0);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.stdout).not.toContain('killing it');
  });

  it('kills one that ignores SIGTERM after the timeout', async () => {
    const pid = await daemon(true);
    writeFileSync(path.join(dir, 'pid'), `${pid}\n`);
    const result = await stop({ ENGINE_STOP_TIMEOUT: '1' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`dockerd ${pid} still running after 1 s; killing it`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alive(pid)).toBe(false);
  });
});
