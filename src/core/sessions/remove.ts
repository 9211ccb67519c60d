import type { Engine } from '../../docker/engine.js';
import { HELPER_KINDS, Labels, managedLabels } from '../../docker/labels.js';
import { LaunchError, messageOf } from '../../errors.js';
import { dropSessionRefs } from '../../git/host-gate.js';
import { removeEgress, strayEgress } from '../network/objects.js';
import { findLeftovers, type Leftover, type LeftoverState, removeLeftovers } from './leftovers.js';
import {
  matchSession,
  SESSION_FILTER,
  type Session,
  sessionFilter,
  sortSessions,
  toSession,
} from './resolve.js';
import { isClean, type WorkState, workStateOfRunning, workStateOfStopped } from './work-state.js';

export interface RemovedSession {
  name: string;
  /** The container's id; empty for a leftover without one. */
  id: string;
  /** The workspace volume removed with it, if any. */
  volume: string | null;
  /** What it was, when it was what a killed launch left behind (see leftovers.ts). */
  leftover?: LeftoverState;
}

export interface CheckedSession {
  session: Session;
  state?: WorkState;
  /** Why the workspace could not be read; unknown state counts as unsafe. */
  error?: string;
}

/** Reads what removing a container would lose; never throws, the caller decides. */
export async function checkSession(engine: Engine, session: Session): Promise<CheckedSession> {
  try {
    if (session.running) return { session, state: await workStateOfRunning(engine, session.id) };
    const details = await engine.inspectContainer(session.id);
    if (!details) return { session, error: 'the container is gone' };
    return { session, state: await workStateOfStopped(engine, details, session.image) };
  } catch (error) {
    return { session, error: messageOf(error) };
  }
}

export function isSafeToRemove(checked: CheckedSession): boolean {
  return checked.state !== undefined && isClean(checked.state);
}

/** The human list of what would be lost, one block per container. */
export function describeLoss(checked: CheckedSession, limit = 20): string {
  const lines = [`${checked.session.name}:`];
  if (checked.error) lines.push(`  cannot read its workspace: ${checked.error}`);
  const state = checked.state;
  if (state && state.unpushed.length > 0) {
    lines.push(`  ${plural(state.unpushed.length, 'commit')} not in the host repo:`);
    lines.push(...clip(state.unpushed, limit).map((l) => `    ${l}`));
  }
  if (state && state.tagged.length > 0) {
    lines.push(`  ${plural(state.tagged.length, 'commit')} only tags reach (the host fetches no tags):`);
    lines.push(...clip(state.tagged, limit).map((l) => `    ${l}`));
  }
  if (state && state.otherRefs.length > 0) {
    lines.push(`  ${plural(state.otherRefs.length, 'commit')} only other refs reach:`);
    lines.push(...clip(state.otherRefs, limit).map((l) => `    ${l}`));
  }
  if (state && state.uncommitted.length > 0) {
    lines.push(`  ${plural(state.uncommitted.length, 'uncommitted change')}:`);
    lines.push(...clip(state.uncommitted, limit).map((l) => `    ${l}`));
  }
  return lines.join('\n');
}

/**
 * `rm`: all or nothing. Without `force`, any container with unpushed commits, uncommitted changes
 * or an unreadable workspace stops the whole removal, listing what would be lost.
 */
export async function removeSessions(
  engine: Engine,
  names: string[],
  /** `gitDirs`: repos to look in for refs a killed launch left (the current one). */
  options: { force?: boolean; gitDirs?: string[] } = {},
): Promise<RemovedSession[]> {
  const [all, leftovers] = await Promise.all([
    engine.listContainers({ all: true, labels: SESSION_FILTER }).then((l) => sortSessions(l.map(toSession))),
    findLeftovers(
      { engine },
      {
        ...(options.gitDirs ? { gitDirs: options.gitDirs } : {}),
        only: (name) => names.some((n) => name.startsWith(n)),
      },
    ),
  ]);
  // A name with only leftovers (a volume, host refs) is theirs; an unfinished launch holds no work.
  const exact = leftovers.filter((l) => !l.container && names.includes(l.name));
  const unfinished = new Map(leftovers.filter((l) => l.state === 'unfinished').map((l) => [l.container!, l]));
  const matched = unique(
    names.filter((n) => !exact.some((l) => l.name === n)).map((n) => matchSession(all, n)),
  );
  const sessions = matched.filter((s) => !unfinished.has(s.id));
  const gone: Leftover[] = [
    ...exact,
    ...matched.filter((s) => unfinished.has(s.id)).map((s) => unfinished.get(s.id)!),
  ];
  if (!options.force && sessions.length > 0) {
    // What was pushed but not fetched yet lands now, so it does not count as lost.
    await syncBeforeRemoval(engine, sessions, all);
    const checked = await Promise.all(sessions.map((s) => checkSession(engine, s)));
    const unsafe = checked.filter((c) => !isSafeToRemove(c));
    if (unsafe.length > 0) {
      const first = unsafe[0]!.session.name;
      throw new LaunchError(
        'UNPUSHED_WORK',
        `refusing to remove: work would be lost\n${unsafe.map((c) => describeLoss(c)).join('\n')}`,
        {
          hint: `commit and push it first (\`launch-agent exec ${first} -- git push\`; it lands in the host repo), or pass --force to remove anyway`,
          details: { containers: unsafe.map(lossDetails) },
        },
      );
    }
  }
  await removeLeftovers(engine, gone);
  return [...(await removeChecked(engine, sessions)), ...gone.map(asRemoved)];
}

function asRemoved(l: Leftover): RemovedSession {
  return { name: l.name, id: l.container ?? '', volume: l.volume ?? null, leftover: l.state };
}

const STOPPED_STATES = new Set(['exited', 'created', 'dead']);

export interface PruneResult {
  /** Removed (with `yes`) or, without it, what would be removed. */
  removable: RemovedSession[];
  removed: boolean;
  kept: Array<ReturnType<typeof lossDetails>>;
  /** Sessions whose egress proxy and network outlived their container (a launcher killed outright). */
  strayEgress: string[];
  /** What killed launches left (removed with `yes`): see leftovers.ts. */
  leftovers: Leftover[];
}

/** `prune`: stopped containers (of one repo) whose work is all in the host repo; without `yes` it only lists. */
export async function pruneSessions(
  engine: Engine,
  options: { yes?: boolean; repo?: string; gitDirs?: string[] } = {},
): Promise<PruneResult> {
  const [all, leftovers] = await Promise.all([
    engine.listContainers({ all: true, labels: sessionFilter(options) }).then((l) => l.map(toSession)),
    findLeftovers(
      { engine },
      {
        ...(options.repo ? { repo: options.repo } : {}),
        ...(options.gitDirs ? { gitDirs: options.gitDirs } : {}),
      },
    ),
  ]);
  const unfinished = new Set(leftovers.map((l) => l.container).filter(Boolean));
  // Paused containers are not stopped: prune leaves them alone.
  const stopped = sortSessions(all.filter((s) => STOPPED_STATES.has(s.state) && !unfinished.has(s.id)));
  const checked = await mapLimit(stopped, 3, (s) => checkSession(engine, s));
  const clean = checked.filter(isSafeToRemove).map((c) => c.session);
  const kept = checked.filter((c) => !isSafeToRemove(c)).map(lossDetails);
  const stray = await strayEgress(engine, options.repo ? { repo: options.repo } : {});
  if (!options.yes) {
    return {
      removable: clean.map((s) => ({ name: s.name, id: s.id, volume: s.volume })),
      removed: false,
      kept,
      strayEgress: stray,
      leftovers,
    };
  }
  for (const session of stray) await removeEgress(engine, session);
  await removeLeftovers(engine, leftovers);
  return {
    removable: await removeChecked(engine, clean),
    removed: true,
    kept,
    strayEgress: stray,
    leftovers,
  };
}

async function removeChecked(engine: Engine, sessions: Session[]): Promise<RemovedSession[]> {
  const ours = new Set((await engine.listVolumes(managedLabels('volume'))).map((v) => v.name));
  return Promise.all(
    sessions.map(async (s) => {
      await engine.removeContainer(s.id, { force: true });
      // The session's refs in the host repo (its pin, what it landed) go with it.
      if (s.hostGitDir) await dropSessionRefs(s.hostGitDir, s.name).catch(() => undefined);
      if (s.network === 'allowlist') await removeEgress(engine, s.name);
      // Only a volume we labelled ourselves, never one a label merely names.
      const volume = s.volume && ours.has(s.volume) ? s.volume : null;
      if (volume) {
        await removeHelpersOf(engine, volume);
        await engine.removeVolume(volume);
      }
      return { name: s.name, id: s.id, volume };
    }),
  );
}

/**
 * Helper containers (the launch's workspace copy, the stopped-workspace check) normally remove
 * themselves; one left behind by a launcher killed outright would hold the volume.
 */
export async function removeHelpersOf(engine: Engine, volume: string): Promise<void> {
  const users = await engine.listContainers({ all: true, labels: { [Labels.managed]: 'true' }, volume });
  const helpers = users.filter((c) => HELPER_KINDS.has(c.labels[Labels.kind] ?? ''));
  await Promise.all(helpers.map((h) => engine.removeContainer(h.id, { force: true })));
}

async function syncBeforeRemoval(engine: Engine, sessions: Session[], all: Session[]): Promise<void> {
  const { syncSession } = await import('../gate/sync.js');
  await Promise.all(
    sessions
      .filter((s) => s.running && s.hostGitDir)
      .map((s) => syncSession(engine, s, all).catch(() => undefined)),
  );
}

function lossDetails(c: CheckedSession) {
  return {
    name: c.session.name,
    unpushed: c.state?.unpushed ?? null,
    tagged: c.state?.tagged ?? null,
    otherRefs: c.state?.otherRefs ?? null,
    uncommitted: c.state?.uncommitted ?? null,
    error: c.error ?? null,
  };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function unique(sessions: Session[]): Session[] {
  return [...new Map(sessions.map((s) => [s.id, s])).values()];
}

function clip(lines: string[], limit: number): string[] {
  return lines.length <= limit ? lines : [...lines.slice(0, limit), `... and ${lines.length - limit} more`];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
