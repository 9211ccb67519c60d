import type { Writable } from 'node:stream';
import { type HostFacts, hostFacts } from '../config/paths.js';
import type { ContainerSummary, Engine } from '../docker/engine.js';
import { LaunchError } from '../errors.js';
import { launchInProgress } from './launch/ready.js';
import { startEgress, stopEgress } from './network/objects.js';
import { ENTRYPOINT } from './plan.js';
import { type Activity, type AgentActivity, activityOf, askActivity } from './sessions/activity.js';
import { hasKeeper } from './sessions/keeper.js';
import { findLeftovers, isReady, type LeftoverState } from './sessions/leftovers.js';
import { containerLogs } from './sessions/logs.js';
import { matchSession, type Session, sessionFilter, sortSessions, toSession } from './sessions/resolve.js';
import { WORKSPACE_DIR } from './sessions/vscode.js';
import { isClean, type WorkSummary, workSummaryOfRunning } from './sessions/work-state.js';

export type { Session } from './sessions/resolve.js';
export type { WorkState } from './sessions/work-state.js';
/** Every command a user runs in a container goes through it, so the secrets are loaded. */
export { ENTRYPOINT };

export interface SessionDeps {
  engine: Engine;
  now?: () => Date;
  /** Where this machine's files are (default: this process's); `start` reads logins there. */
  host?: HostFacts;
}

/** Our containers (running only unless `all`; of one repo with `repo`), newest first. */
export async function findSessions(
  engine: Engine,
  options: { all?: boolean; repo?: string } = {},
): Promise<Session[]> {
  return sortSessions((await listOurs(engine, options)).map(toSession));
}

function listOurs(engine: Engine, options: { all?: boolean; repo?: string }): Promise<ContainerSummary[]> {
  return engine.listContainers({ all: options.all ?? false, labels: sessionFilter(options) });
}

/** A full name or an unambiguous prefix among our containers, stopped ones included. */
export async function resolveSession(engine: Engine, query: string): Promise<Session> {
  return matchSession(await findSessions(engine, { all: true }), query);
}

export interface SessionListItem extends Session {
  /**
   * `ready`: the launch finished; `launching`: under way; `unfinished`: its launcher is gone
   * (`prune` removes it); `leftover`: a volume, helper or host refs a killed launch left (--all).
   */
  launch: 'ready' | 'launching' | 'unfinished' | 'leftover';
  /** For `leftover` rows: what it is (see sessions/leftovers.ts). */
  leftover?: LeftoverState;
  ageSeconds: number;
  /** Commits not yet pushed to `local`; null when unknown (stopped, or git failed). */
  ahead: number | null;
  /** Uncommitted changes (untracked files count); null when unknown. */
  uncommitted: boolean | null;
  /** What the agent is doing (sessions/activity.ts); null when no agent runs or it is unknown. */
  activity: Activity | null;
  /** The agent's exit code once `exited`; else null. */
  exitCode: number | null;
}

/** How long `list` waits for one container's git check before it shows it as unknown. */
export const LIST_CHECK_TIMEOUT_MS = 5000;

/**
 * `list`: git checks run in parallel and only in running containers, each asked of the
 * container's keeper (see sessions/keeper.ts), so 20 containers stay fast.
 */
export async function listSessions(
  deps: SessionDeps,
  options: { all?: boolean; repo?: string; timeoutMs?: number; gitDirs?: string[] } = {},
): Promise<SessionListItem[]> {
  const [containers, attachable, leftovers] = await Promise.all([
    listOurs(deps.engine, options),
    keeperAnswersOverAttach(deps.engine),
    // Objects without a session container, only with --all (their scan reads the host repos).
    options.all
      ? findLeftovers(
          { engine: deps.engine },
          {
            withoutSessions: true,
            ...(options.repo ? { repo: options.repo } : {}),
            ...(options.gitDirs ? { gitDirs: options.gitDirs } : {}),
          },
        ).catch(() => [])
      : [],
  ]);
  const keepers = new Set(containers.filter((c) => attachable && hasKeeper(c.labels)).map((c) => c.id));
  const byId = new Map(containers.map((c) => [c.id, c]));
  const now = (deps.now?.() ?? new Date()).getTime();
  const timeoutMs = options.timeoutMs ?? LIST_CHECK_TIMEOUT_MS;
  const items = await Promise.all(
    sortSessions(containers.map(toSession)).map(async (session): Promise<SessionListItem> => {
      const c = byId.get(session.id)!;
      let summary: WorkSummary | undefined;
      let activity: AgentActivity | undefined;
      if (session.running) {
        const keeper = keepers.has(session.id);
        [summary, activity] = await Promise.all([
          workSummaryOfRunning(deps.engine, session.id, { keeper, timeoutMs }).catch(() => undefined),
          // The keeper's reply carries it; asked through exec where the keeper cannot be.
          keeper || !session.agentSession
            ? undefined
            : askActivity(deps.engine, session.id, AbortSignal.timeout(timeoutMs)).catch(() => undefined),
        ]);
      }
      // Running: the keeper says; stopped: one look for the mark (unknown counts as ready).
      const ready =
        summary?.ready ?? (session.running ? true : await isReady(deps.engine, c).catch(() => true));
      return {
        ...session,
        launch: ready ? 'ready' : launchInProgress(c.labels, c.created * 1000) ? 'launching' : 'unfinished',
        ageSeconds: Math.max(0, Math.round((now - Date.parse(session.created)) / 1000)),
        ahead: summary && ready ? summary.ahead : null,
        uncommitted: summary && ready ? summary.uncommitted : null,
        ...(activity ?? activityOf(summary?.activity)),
      };
    }),
  );
  for (const l of leftovers) {
    items.push({
      id: l.container ?? '',
      name: l.name,
      agent: '',
      repo: '',
      source: '',
      branch: '',
      hostGitDir: l.hostGitDir ?? '',
      gate: false,
      network: null,
      volume: l.volume ?? null,
      image: '',
      state: l.state,
      running: false,
      created: '',
      launch: 'leftover',
      leftover: l.state,
      ageSeconds: 0,
      ahead: null,
      uncommitted: null,
      activity: null,
      exitCode: null,
      agentSession: false,
    });
  }
  return items;
}

/**
 * Podman (4.3, checked) hands the attach request's HTTP body to the container's stdin and, when
 * the client leaves, closes that stdin for good (conmon runs without --leave-stdin-open), so the
 * keeper would hear one garbled request and then nothing: its containers are asked through exec.
 */
async function keeperAnswersOverAttach(engine: Engine): Promise<boolean> {
  const product = await engine.product?.().catch(() => undefined);
  return product !== 'Podman';
}

export function requireRunning(session: Session): void {
  if (!session.running) {
    throw new LaunchError('CONTAINER_NOT_RUNNING', `${session.name} is ${session.state}`, {
      hint: `start it with \`launch-agent start ${session.name}\``,
    });
  }
}

export type SessionCommandKind = 'shell' | 'attach' | 'exec';

/** The command `shell`/`attach`/`exec` run: always through the entrypoint, in /workspace. */
export async function sessionCommand(
  kind: SessionCommandKind,
  session: Session,
  userCmd: string[] = [],
): Promise<string[]> {
  switch (kind) {
    case 'shell':
      return [ENTRYPOINT, 'bash', '-l'];
    case 'attach': {
      // Loaded only here: the agent modules are not needed by list/exec/shell.
      const { getAgent } = await import('../agents/registry.js');
      return [ENTRYPOINT, ...getAgent(session.agent).interactive, ...userCmd];
    }
    case 'exec':
      if (userCmd.length === 0) {
        throw new LaunchError('USAGE', 'exec needs a command, got none', {
          hint: 'launch-agent exec NAME -- CMD [ARGS...]',
        });
      }
      return [ENTRYPOINT, ...userCmd];
  }
}

export interface StartStopResult {
  name: string;
  id: string;
  state: string;
  /** `start`: logins or a secrets file that could not be delivered again (see launch/deliver.ts). */
  warnings?: string[];
}

export async function stopSessions(
  deps: SessionDeps,
  target: { names: string[] } | { all: true },
  options: { timeoutSeconds?: number } = {},
): Promise<StartStopResult[]> {
  const sessions =
    'all' in target
      ? await findSessions(deps.engine, { all: false })
      : await Promise.all(target.names.map((n) => resolveSession(deps.engine, n)));
  return Promise.all(
    sessions.map(async (s) => {
      if (s.running) await deps.engine.stopContainer(s.id, options.timeoutSeconds ?? 10);
      if (s.network === 'allowlist') await stopEgress(deps.engine, s.name);
      return { name: s.name, id: s.id, state: 'exited' };
    }),
  );
}

export async function startSessions(deps: SessionDeps, names: string[]): Promise<StartStopResult[]> {
  const sessions = await Promise.all(names.map((n) => resolveSession(deps.engine, n)));
  // Loaded here only: `list` and the other session commands never deliver.
  const { redeliver } = await import('./launch/deliver.js');
  return Promise.all(
    sessions.map(async (s) => {
      if (s.network === 'allowlist') await startEgress(deps.engine, s.name);
      if (!s.running) await deps.engine.startContainer(s.id);
      // A stop emptied the tmpfs they live in (running too: it may have been started by hand).
      const warnings = await redeliver(deps.engine, s, deps.host ?? hostFacts());
      return { name: s.name, id: s.id, state: 'running', ...(warnings.length > 0 ? { warnings } : {}) };
    }),
  );
}

/**
 * `logs`: what the agent printed, from its terminal session (agent-logs.ts); containers launched
 * before agent sessions show their container output, as then.
 */
export async function sessionLogs(
  deps: SessionDeps,
  name: string,
  options: { follow?: boolean; tail?: number; stdout: Writable; stderr: Writable; signal?: AbortSignal },
): Promise<void> {
  const session = await resolveSession(deps.engine, name);
  if (session.agentSession) {
    const { agentLogs } = await import('./sessions/agent-logs.js');
    await agentLogs(deps.engine, session, options);
    return;
  }
  await containerLogs(deps.engine, session.id, options);
}

export interface SessionStats {
  name: string;
  state: string;
  /** False: the engine cannot measure this container (cpu, memory and pids are then 0). */
  measured: boolean;
  cpuPercent: number;
  memoryBytes: number;
  /** 0 when the container has no memory limit. */
  memoryLimitBytes: number;
  memoryPercent: number | null;
  pids: number;
  pidsLimit: number;
  /** What /workspace holds on disk (`du`); null when it cannot be read (e.g. at the PID limit). */
  workspaceBytes: number | null;
  networkRxBytes: number;
  networkTxBytes: number;
  uptimeSeconds: number;
}

/** One sample per running container, all at once (each sample takes the engine about a second). */
export async function sessionStats(deps: SessionDeps, name?: string): Promise<SessionStats[]> {
  const sessions = name ? [await resolveSession(deps.engine, name)] : await findSessions(deps.engine);
  if (name) requireRunning(sessions[0]!);
  const now = (deps.now?.() ?? new Date()).getTime();
  return Promise.all(
    sessions.map(async (s) => {
      const [stats, details, workspaceBytes] = await Promise.all([
        deps.engine.stats(s.id),
        deps.engine.inspectContainer(s.id),
        workspaceSize(deps.engine, s.id),
      ]);
      const limit = details?.memoryBytes || stats.memoryLimitBytes;
      const started = details?.startedAt ? Date.parse(details.startedAt) : Number.NaN;
      const measured = stats.measured;
      return {
        name: s.name,
        state: s.state,
        measured,
        cpuPercent: measured ? round(stats.cpuPercent, 1) : 0,
        memoryBytes: measured ? stats.memoryBytes : 0,
        memoryLimitBytes: limit,
        memoryPercent: measured && limit > 0 ? round((stats.memoryBytes / limit) * 100, 1) : null,
        pids: measured ? stats.pids : 0,
        pidsLimit: details?.pidsLimit ?? 0,
        workspaceBytes,
        networkRxBytes: stats.networkRxBytes,
        networkTxBytes: stats.networkTxBytes,
        uptimeSeconds: Number.isNaN(started) ? 0 : Math.max(0, Math.round((now - started) / 1000)),
      };
    }),
  );
}

async function workspaceSize(engine: Engine, id: string): Promise<number | null> {
  const result = await engine
    .exec(id, { cmd: ['du', '-sk', WORKSPACE_DIR], signal: AbortSignal.timeout(10_000) })
    .catch(() => undefined);
  const kib = Number(result?.stdout.split(/\s/)[0]);
  return result && Number.isFinite(kib) && result.stdout.trim() !== '' ? kib * 1024 : null;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export { isClean, WORKSPACE_DIR };
