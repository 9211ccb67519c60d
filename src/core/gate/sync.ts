import { stat } from 'node:fs/promises';
import { HOST_KNOWN_REFS, WORKSPACE } from '../../container-paths.js';
import type { Engine } from '../../docker/engine.js';
import {
  busyBranches,
  casUpdateRef,
  dropSessionRefs,
  fetchFromGate,
  hostGit,
  isAncestor,
  listRefs,
  repoOwner,
  SESSION_REFS,
  withRepoLock,
} from '../../git/host-gate.js';
import { GATE_REPORT } from '../../workspace/gate.js';
import type { Session } from '../sessions/resolve.js';
import { openGateTransport } from './transport.js';

/** What became of one branch of a session's gate. */
export interface SyncedBranch {
  branch: string;
  commit: string;
  /**
   * `landed`: the host branch now points at it (`forced` when that was not a fast-forward; the
   * old tip stays in the host's reflog); `unchanged`: it already did; `refused`: see `reason`.
   */
  status: 'landed' | 'unchanged' | 'refused';
  forced?: boolean;
  reason?: string;
}

export interface SyncResult {
  name: string;
  /** The host repo's git dir. */
  repo: string;
  branches: SyncedBranch[];
  /** Set when nothing could be fetched (the session is stopped, the host repo is gone, …). */
  error?: string;
}

const ZERO = '0'.repeat(40);

/**
 * Brings a session's pushed branches into the host repo. The host's git fetches from the gate
 * (its `git upload-pack` reached over the engine's exec, so any engine works), every object
 * checked, into `refs/launch-agent/<name>/gate/`; then each branch lands under `refs/heads/` only
 * if it is under the agent's prefix, not checked out (or being rebased) on the host, not another
 * live session's, and not moved on the host since this session last landed it.
 */
export async function syncSession(
  engine: Engine,
  session: Session,
  /** Every session of the engine (any state): who else owns which branches. */
  all: readonly Session[],
): Promise<SyncResult> {
  const repo = session.hostGitDir;
  if (repo && (await stat(`${repo}/objects`).catch(() => undefined))) {
    return withRepoLock(repo, () => syncLocked(engine, session, all));
  }
  return syncLocked(engine, session, all);
}

async function syncLocked(engine: Engine, session: Session, all: readonly Session[]): Promise<SyncResult> {
  const repo = session.hostGitDir;
  const result: SyncResult = { name: session.name, repo, branches: [] };
  if (!repo)
    return {
      ...result,
      error: 'the container does not record its host repo (launched by an older launch-agent)',
    };
  if (!(await stat(`${repo}/objects`).catch(() => undefined))) {
    return {
      ...result,
      error: `the host repo is gone from ${repo} (moved or deleted); its work is still in the container`,
    };
  }
  if (!session.gate) {
    return {
      ...result,
      error: 'launched before the gate: its pushes go straight to the host repo; relaunch it to use the gate',
    };
  }
  if (!session.running) return { ...result, error: `${session.name} is ${session.state}: start it to sync` };

  const prefix = `${SESSION_REFS}/${session.name}`;
  const owner = await repoOwner(repo);
  {
    await using transport = await openGateTransport(
      engine,
      session.id,
      owner.uid === undefined ? undefined : { uid: owner.uid, gid: owner.gid ?? owner.uid },
    );
    const fetched = await fetchFromGate(repo, transport.url, [
      `+refs/heads/${session.agent}/*:${prefix}/gate/${session.agent}/*`,
    ]);
    if (fetched.code !== 0) {
      const why = firstFatal(transport.stderr()) || firstFatal(fetched.stderr) || `exit ${fetched.code}`;
      return { ...result, error: `fetching from the gate failed: ${why}` };
    }
  }
  const [ours, everyone, busy, heads] = await Promise.all([
    listRefs(repo, `${prefix}/`),
    listRefs(repo, `${SESSION_REFS}/`),
    busyBranches(repo),
    listRefs(repo, 'refs/heads/'),
  ]);
  const owners = ownersOf(everyone, all, session);
  for (const [ref, commit] of ours) {
    if (!ref.startsWith(`${prefix}/gate/`)) continue;
    const branch = ref.slice(`${prefix}/gate/`.length);
    const head = `refs/heads/${branch}`;
    const current = heads.get(head);
    const decision = decideLanding({
      branch,
      commit,
      current,
      landedBefore: ours.get(`${prefix}/landed/${branch}`),
      owner: owners.get(branch),
      busy: busy.has(head),
      fetchedRef: ref,
    });
    if (decision.action === 'refuse') {
      result.branches.push({ branch, commit, status: 'refused', reason: decision.reason });
      continue;
    }
    if (decision.action === 'none') {
      result.branches.push({ branch, commit, status: 'unchanged' });
      if (decision.mark) await mark(repo, `${prefix}/landed/${branch}`, commit);
      continue;
    }
    const forced = current !== undefined && !(await isAncestor(repo, current, commit));
    const moved = await casUpdateRef(
      repo,
      head,
      commit,
      current ?? ZERO,
      `launch-agent: ${branch} from ${session.name}`,
    );
    if (moved.code !== 0) {
      // Moved meanwhile (a sync of an older launcher that takes no lock): to this very commit is fine.
      const now = (await listRefs(repo, head)).get(head);
      if (now === commit) {
        result.branches.push({ branch, commit, status: 'unchanged' });
        await mark(repo, `${prefix}/landed/${branch}`, commit);
        continue;
      }
      result.branches.push({
        branch,
        commit,
        status: 'refused',
        reason: `the host's git did not move ${branch}: ${lastLine(moved.stderr)}`,
      });
      continue;
    }
    await mark(repo, `${prefix}/landed/${branch}`, commit);
    result.branches.push({ branch, commit, status: 'landed', ...(forced ? { forced: true } : {}) });
  }
  await reportToContainer(engine, session, result).catch(() => undefined);
  // Removed while this ran (rm, prune): what the fetch wrote must not outlive the session.
  const gone = await engine.inspectContainer(session.id).then(
    (details) => details === undefined,
    () => false,
  );
  if (gone) {
    await dropSessionRefs(repo, session.name).catch(() => undefined);
  }
  return result;
}

export type Landing =
  | { action: 'move' }
  | { action: 'none'; mark: boolean }
  | { action: 'refuse'; reason: string };

/**
 * What to do with one fetched branch (pure): land it only when no other live session owns it,
 * git would not refuse it under a work tree, and the host has not moved it since this session
 * last landed it (a branch the host made itself is never taken over).
 */
export function decideLanding(input: {
  branch: string;
  commit: string;
  /** The host branch's tip, if it exists. */
  current: string | undefined;
  /** What this session last landed there, if anything. */
  landedBefore: string | undefined;
  /** Another live session that owns the branch. */
  owner: string | undefined;
  /** Checked out, rebased or bisected in a host work tree. */
  busy: boolean;
  /** Where the fetched tip is kept in the host repo. */
  fetchedRef: string;
}): Landing {
  const { branch, commit, current, landedBefore } = input;
  if (current === commit)
    return { action: 'none', mark: landedBefore !== undefined && landedBefore !== commit };
  if (input.owner) return { action: 'refuse', reason: `${branch} belongs to session ${input.owner}` };
  if (input.busy) {
    return {
      action: 'refuse',
      reason: `${branch} is checked out on the host (or being rebased there), so it is not moved; take it with: git merge ${input.fetchedRef}`,
    };
  }
  if (current !== undefined && current !== landedBefore) {
    return {
      action: 'refuse',
      reason: `${branch} was changed on the host (now ${current.slice(0, 7)}), so it is not overwritten; the session's tip is ${input.fetchedRef}`,
    };
  }
  return { action: 'move' };
}

/**
 * Branches owned by other sessions of the same repo that still exist: each one's own branch,
 * and every branch it has landed.
 */
function ownersOf(refs: Map<string, string>, all: readonly Session[], self: Session): Map<string, string> {
  const owners = new Map<string, string>();
  const live = all.filter((s) => s.id !== self.id && s.hostGitDir === self.hostGitDir);
  for (const other of live) {
    if (other.branch) owners.set(other.branch, other.name);
    const landed = `${SESSION_REFS}/${other.name}/landed/`;
    for (const ref of refs.keys())
      if (ref.startsWith(landed)) owners.set(ref.slice(landed.length), other.name);
  }
  return owners;
}

/** Records that `commit` is on the host as this session's landing of a branch. */
async function mark(repo: string, ref: string, commit: string): Promise<void> {
  const run = await hostGit(repo, ['update-ref', ref, commit]);
  if (run.code !== 0) throw new Error(`git update-ref ${ref} failed: ${lastLine(run.stderr)}`);
}

/**
 * Tells the container what landed: the gate's report (its post-receive hook prints it into
 * `git push`'s output) and the workspace's record of what the host has (`list`'s ahead).
 */
async function reportToContainer(engine: Engine, session: Session, result: SyncResult): Promise<void> {
  if (result.branches.length === 0) return;
  const lines = result.branches.map(
    (b) => `${b.commit} refs/heads/${b.branch} ${describeBranch(b, repoShown(result.repo))}\n`,
  );
  const landed = result.branches.filter((b) => b.status !== 'refused').flatMap((b) => [b.branch, b.commit]);
  const script = [
    `cat >> ${GATE_REPORT}`,
    `tail -n 200 ${GATE_REPORT} > ${GATE_REPORT}.new && mv ${GATE_REPORT}.new ${GATE_REPORT}`,
    `while [ $# -ge 2 ]; do printf 'update ${HOST_KNOWN_REFS}/host/%s %s\\n' "$1" "$2"; shift 2; done | git -C ${WORKSPACE} update-ref --stdin`,
  ].join('\n');
  await engine.exec(session.id, {
    cmd: ['sh', '-c', script, 'launch-agent-report', ...landed],
    stdin: lines.join(''),
  });
}

/** One line for people: what became of a branch. */
export function describeBranch(branch: SyncedBranch, repo: string): string {
  switch (branch.status) {
    case 'landed':
      return `${branch.branch} landed in ${repo}${branch.forced ? ' (not a fast-forward: the old tip is in the reflog)' : ''}`;
    case 'unchanged':
      return `${branch.branch} is in ${repo}`;
    case 'refused':
      return `${branch.branch} did not land: ${branch.reason}`;
  }
}

/** git's own reason: its first `fatal:`/`error:` line, else its last line. */
function firstFatal(text: string): string {
  const line = text.split('\n').find((l) => /^(fatal|error): /.test(l));
  return (line ?? lastLine(text)).replace(/^(fatal|error): /, '');
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

/** The repo as people know it: its work tree for `<root>/.git`, else the git dir itself. */
export function repoShown(gitDir: string): string {
  return gitDir.endsWith('/.git') ? gitDir.slice(0, -'/.git'.length) : gitDir;
}
