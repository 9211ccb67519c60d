import { READY_MARK } from '../../container-paths.js';
import type { ContainerSummary, Engine } from '../../docker/engine.js';
import { HELPER_KINDS, Labels, managedLabels } from '../../docker/labels.js';
import { dropSessionRefs, hostGit, isSessionReady, SESSION_REFS } from '../../git/host-gate.js';
import { launchInProgress } from '../launch/ready.js';
import { removeEgress } from '../network/objects.js';

/**
 * What a launcher killed outright (SIGKILL, power loss) leaves behind, found by label and by
 * what exists, never by name pattern:
 * - `unfinished`: a session container whose launch never wrote its ready mark;
 * - `stray helper`: a workspace-copy or check helper whose launcher is gone;
 * - `volume without session`: a workspace volume no container uses, its launch over;
 * - `host refs without session`: refs/launch-agent/<name>/ in a host repo with neither.
 * A launch still under way (its launcher process lives) is none of these.
 */
export type LeftoverState =
  | 'unfinished'
  | 'stray helper'
  | 'volume without session'
  | 'host refs without session';

export interface Leftover {
  /** The session it belonged to (a helper: its own container name). */
  name: string;
  state: LeftoverState;
  container?: string;
  volume?: string;
  /** The host repo's git common dir holding its refs. */
  hostGitDir?: string;
}

export interface LeftoverDeps {
  engine: Engine;
  now?: () => number;
  /** Injected for tests: whether the launcher process `pid` of this machine lives. */
  alive?: (pid: number) => boolean;
}

/** A pin is written a few milliseconds before the volume: younger refs may be a launch under way. */
const REFS_GRACE_SECONDS = 120;

export async function findLeftovers(
  deps: LeftoverDeps,
  /** `only`: just objects of sessions whose name it accepts (rm NAME checks no other). */
  options: {
    repo?: string;
    gitDirs?: string[];
    only?: (name: string) => boolean;
    /** Leave out session containers (`list` judges those itself). */
    withoutSessions?: boolean;
  } = {},
): Promise<Leftover[]> {
  const only = options.only ?? (() => true);
  const { engine } = deps;
  const now = deps.now?.() ?? Date.now();
  const inProgress = (labels: Record<string, string>, createdMs: number) =>
    launchInProgress(labels, createdMs, { now, ...(deps.alive ? { alive: deps.alive } : {}) });
  const ofRepo = (labels: Record<string, string>) => !options.repo || labels[Labels.repo] === options.repo;

  const [ours, volumes] = await Promise.all([
    engine.listContainers({ all: true, labels: { [Labels.managed]: 'true' } }),
    engine.listVolumes(managedLabels('volume')),
  ]);
  const sessions = ours.filter((c) => c.labels[Labels.kind] === 'container');
  const found: Leftover[] = [];

  for (const c of options.withoutSessions ? [] : sessions) {
    if (!only(c.name) || !ofRepo(c.labels) || !c.labels[Labels.launch]) continue;
    if (inProgress(c.labels, c.created * 1000)) continue;
    if (await isReady(engine, c)) continue;
    found.push({
      name: c.name,
      state: 'unfinished',
      container: c.id,
      ...(c.labels[Labels.volume] ? { volume: c.labels[Labels.volume] } : {}),
      ...(c.labels[Labels.hostGitDir] ? { hostGitDir: c.labels[Labels.hostGitDir] } : {}),
    });
  }

  for (const c of ours) {
    const kind = c.labels[Labels.kind] ?? '';
    if (!HELPER_KINDS.has(kind) || !only(c.name)) continue;
    // A check helper lives a few seconds (its rm waits for it); a copy helper as long as its launch.
    const stray =
      kind === 'copy'
        ? !inProgress(c.labels, c.created * 1000)
        : c.state !== 'running' || now - c.created * 1000 > 10 * 60 * 1000;
    if (stray) found.push({ name: c.name, state: 'stray helper', container: c.id });
  }

  const usedVolumes = new Set(sessions.map((c) => c.labels[Labels.volume]).filter(Boolean));
  for (const v of volumes) {
    if (usedVolumes.has(v.name) || !v.labels[Labels.launch] || !ofRepo(v.labels)) continue;
    if (inProgress(v.labels, v.createdAt ? Date.parse(v.createdAt) : now)) continue;
    const name = v.name.replace(/-workspace$/, '');
    if (!only(name)) continue;
    const gitDir = v.labels[Labels.hostGitDir];
    // Its launch finished (or nobody can tell), then its container was removed by hand: it may
    // hold work, never ours to drop.
    if (!gitDir || (await isSessionReady(gitDir, name).catch(() => undefined)) !== false) continue;
    found.push({
      name,
      state: 'volume without session',
      volume: v.name,
      ...(v.labels[Labels.hostGitDir] ? { hostGitDir: v.labels[Labels.hostGitDir] } : {}),
    });
  }

  // Host refs: in every repo our objects name, and the ones the caller adds (the current repo).
  const gitDirs = new Set(options.gitDirs ?? []);
  for (const labels of [...ours.map((c) => c.labels), ...volumes.map((v) => v.labels)]) {
    const gitDir = labels[Labels.hostGitDir];
    if (gitDir && ofRepo(labels)) gitDirs.add(gitDir);
  }
  const named = new Set([...sessions.map((c) => c.name), ...found.map((l) => l.name)]);
  const volumeNames = new Set(volumes.map((v) => v.name));
  for (const gitDir of gitDirs) {
    for (const [name, newest] of await sessionRefFolders(gitDir)) {
      if (!only(name) || named.has(name) || volumeNames.has(`${name}-workspace`)) continue;
      if (now / 1000 - newest < REFS_GRACE_SECONDS) continue;
      found.push({ name, state: 'host refs without session', hostGitDir: gitDir });
    }
  }
  return found;
}

/** Removes them all: containers first (they hold the volumes), then volumes, then host refs. */
export async function removeLeftovers(engine: Engine, leftovers: Leftover[]): Promise<void> {
  await Promise.all(
    leftovers.filter((l) => l.container).map((l) => engine.removeContainer(l.container!, { force: true })),
  );
  await Promise.all(
    leftovers
      .filter((l) => l.volume)
      .map(async (l) => {
        const { removeHelpersOf } = await import('./remove.js');
        await removeHelpersOf(engine, l.volume!);
        await engine.removeVolume(l.volume!);
      }),
  );
  for (const l of leftovers) {
    // An unfinished allowlist launch's proxy and network (network/objects.ts).
    if (l.state === 'unfinished') await removeEgress(engine, l.name);
    if (l.hostGitDir && l.state !== 'stray helper') await dropSessionRefs(l.hostGitDir, l.name);
  }
}

/**
 * Whether a session's launch finished: its ready mark. A running session's keeper would say so
 * too, but its answer needs git; the file check works on any state.
 */
export async function isReady(engine: Engine, c: ContainerSummary): Promise<boolean> {
  if (!c.labels[Labels.launch]) return true;
  return engine.pathExists(c.id, `${READY_MARK.dir}/${READY_MARK.file}`);
}

/** Session name -> newest committer time (Unix seconds) of its refs under refs/launch-agent/. */
async function sessionRefFolders(gitDir: string): Promise<Map<string, number>> {
  const out = await hostGit(gitDir, [
    'for-each-ref',
    '--format=%(committerdate:unix) %(refname)',
    `${SESSION_REFS}/`,
  ]).catch(() => undefined);
  const folders = new Map<string, number>();
  if (out?.code !== 0) return folders;
  for (const line of out.stdout.split('\n')) {
    const [time, ref] = line.split(' ');
    const name = ref?.slice(SESSION_REFS.length + 1).split('/')[0];
    if (!name) continue;
    folders.set(name, Math.max(folders.get(name) ?? 0, Number(time) || 0));
  }
  return folders;
}
