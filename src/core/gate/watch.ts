import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { HostFacts } from '../../config/paths.js';
import type { Engine } from '../../docker/engine.js';
import { messageOf } from '../../errors.js';
import { packagePath } from '../../util/package-root.js';
import { processAlive } from '../../util/process.js';
import { PUSHED_LINE } from '../../workspace/gate.js';
import { KEEPER_MARK } from '../sessions/keeper.js';
import type { Session } from '../sessions/resolve.js';
import { findSessions } from '../sessions.js';
import { describeBranch, repoShown, type SyncResult, syncSession } from './sync.js';
import { repoIsHere } from './sync-all.js';

/**
 * The watcher: one background process per user and engine that lands pushes within seconds,
 * with no host command. It follows each running session's stdout, where the gate's post-receive
 * hook writes a line per push, and syncs that session; a session it first sees (a new launch, a
 * restart, the watcher's own restart) is synced at once, so nothing pushed meanwhile is missed.
 *
 * Any session command (launch, start, attach, list, sync, …) starts it when it is not running,
 * so it comes back after a reboot or a kill with the next command; it leaves by itself once no
 * session has run for IDLE_EXIT_MS.
 */

const POLL_MS = 1000;
const IDLE_EXIT_MS = 5 * 60_000;

export interface WatchOptions {
  signal?: AbortSignal;
  log?: (line: string) => void;
  pollMs?: number;
  idleExitMs?: number;
}

export async function watchSessions(engine: Engine, options: WatchOptions = {}): Promise<void> {
  const log = options.log ?? (() => undefined);
  const pollMs = options.pollMs ?? POLL_MS;
  const idleExitMs = options.idleExitMs ?? IDLE_EXIT_MS;
  const followed = new Map<string, AbortController>();
  const syncing = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let sessions: Session[] = [];
  let lastBusy = Date.now();

  const sync = (id: string): void => {
    if (syncing.has(id)) {
      again.add(id);
      return;
    }
    const run = (async () => {
      do {
        again.delete(id);
        const session = sessions.find((s) => s.id === id);
        if (!session?.running) return;
        const result = await syncSession(engine, session, sessions).catch(
          (error: unknown): SyncResult => ({
            name: session.name,
            repo: session.hostGitDir,
            branches: [],
            error: messageOf(error),
          }),
        );
        logResult(result, log);
      } while (again.has(id));
    })().finally(() => syncing.delete(id));
    syncing.set(id, run);
  };

  const follow = (session: Session): void => {
    const controller = new AbortController();
    followed.set(session.id, controller);
    let partial = '';
    engine
      .followOutput(session.id, {
        signal: controller.signal,
        onData: (chunk) => {
          const lines = (partial + chunk).split('\n');
          partial = lines.pop() ?? '';
          if (lines.some((line) => line === `${KEEPER_MARK} ${PUSHED_LINE}`)) sync(session.id);
        },
      })
      .catch((error: unknown) => log(`${session.name}: ${messageOf(error)}`))
      .finally(() => {
        if (followed.get(session.id) === controller) followed.delete(session.id);
      });
    // Catch up on a push made while nobody listened (its line is in the container's log).
    pushedBefore(engine, session.id).then(
      (pushed) => pushed && sync(session.id),
      () => sync(session.id),
    );
  };

  while (!options.signal?.aborted) {
    try {
      sessions = await findSessions(engine, { all: true });
    } catch (error) {
      log(`listing sessions failed: ${messageOf(error)}`);
    }
    // Only sessions whose repo is on this machine: a shared engine runs other people's too.
    const running = sessions.filter((s) => s.running && s.gate && repoIsHere(s.hostGitDir));
    for (const session of running) if (!followed.has(session.id)) follow(session);
    for (const [id, controller] of followed) {
      if (!running.some((s) => s.id === id)) {
        controller.abort();
        followed.delete(id);
      }
    }
    if (running.length > 0 || syncing.size > 0) lastBusy = Date.now();
    else if (Date.now() - lastBusy > idleExitMs) break;
    await sleep(pollMs, options.signal);
  }
  for (const controller of followed.values()) controller.abort();
  await Promise.allSettled(syncing.values());
}

/** Whether the container's log holds a push notice (reading the log starts nothing in it). */
async function pushedBefore(engine: Engine, id: string): Promise<boolean> {
  const notice = `${KEEPER_MARK} ${PUSHED_LINE}\n`;
  let found = false;
  let tail = '';
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = tail + chunk.toString('utf8');
      if (text.includes(notice)) found = true;
      tail = text.slice(-notice.length);
      done();
    },
  });
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  await engine.logs(id, { stdout, stderr: discard });
  return found;
}

function logResult(result: SyncResult, log: (line: string) => void): void {
  if (result.error) log(`${result.name}: ${result.error}`);
  for (const branch of result.branches) {
    if (branch.status !== 'unchanged')
      log(`${result.name}: ${describeBranch(branch, repoShown(result.repo))}`);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * Where the watcher of one engine keeps its pid and log: per user, per engine endpoint, in the
 * runtime dir (gone after a reboot, like the watcher itself).
 */
export function watcherFiles(host: HostFacts, endpoint: string): { pid: string; log: string } {
  const uid = process.getuid?.() ?? 0;
  const base =
    host.env.LAUNCH_AGENT_RUNTIME_DIR ||
    path.join(host.env.XDG_RUNTIME_DIR || tmpdir(), `launch-agent-${uid}`);
  const key = createHash('sha256').update(endpoint).digest('hex').slice(0, 12);
  return { pid: path.join(base, `watch-${key}.pid`), log: path.join(base, `watch-${key}.log`) };
}

/** Which build of the launcher a watcher runs: a watcher of another build is replaced. */
function buildStamp(): string {
  try {
    return String(Math.round(statSync(packagePath('dist', 'bundle', 'main.js')).mtimeMs));
  } catch {
    return 'dev';
  }
}

/** The watcher's pid when it runs (of any build), else undefined. */
function runningWatcher(pidFile: string): { pid: number; stamp: string } | undefined {
  let pid: number;
  let stamp: string;
  try {
    const [first, second] = readFileSync(pidFile, 'utf8').trim().split(' ');
    pid = Number(first);
    stamp = second ?? '';
  } catch {
    return undefined;
  }
  return processAlive(pid) ? { pid, stamp } : undefined;
}

function alive(pidFile: string): boolean {
  const running = runningWatcher(pidFile);
  if (!running) return false;
  if (running.stamp === buildStamp()) return true;
  // An older launcher's watcher (an upgrade, a rebuild): it makes way for this one.
  try {
    process.kill(running.pid, 'SIGTERM');
  } catch {
    // gone meanwhile
  }
  return false;
}

/**
 * Starts the watcher in the background unless it runs: detached (its own session, so closing
 * the terminal does not end it), its output in its log file. Never fails the calling command.
 */
export function ensureWatcher(host: HostFacts, endpoint: string): void {
  try {
    const files = watcherFiles(host, endpoint);
    if (alive(files.pid)) return;
    mkdirSync(path.dirname(files.pid), { recursive: true, mode: 0o700 });
    const out = openSync(files.log, 'a', 0o600);
    const child = spawn(process.execPath, [packagePath('bin', 'launch-agent.js'), 'sync', '--watch'], {
      detached: true,
      stdio: ['ignore', out, out],
      cwd: path.parse(process.cwd()).root,
      env: host.env,
    });
    closeSync(out);
    child.unref();
  } catch {
    // The watcher is a convenience: `launch-agent sync` does the same on demand.
  }
}

/**
 * Claims the pid file for this process; false when another live watcher holds it. The claim is
 * released by the returned function.
 */
export function claimWatcher(host: HostFacts, endpoint: string): (() => void) | undefined {
  const files = watcherFiles(host, endpoint);
  mkdirSync(path.dirname(files.pid), { recursive: true, mode: 0o700 });
  if (alive(files.pid)) return undefined;
  try {
    unlinkSync(files.pid);
  } catch {
    // none left behind
  }
  try {
    // Exclusive: of two watchers started at once, one wins.
    writeFileSync(files.pid, `${process.pid} ${buildStamp()}\n`, { mode: 0o600, flag: 'wx' });
  } catch {
    return undefined;
  }
  return () => {
    try {
      if (readFileSync(files.pid, 'utf8').split(' ')[0] === String(process.pid)) unlinkSync(files.pid);
    } catch {
      // already gone
    }
  };
}
