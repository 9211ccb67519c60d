import { randomBytes } from 'node:crypto';
import { HOST_KNOWN_REFS, HOST_OBJECTS } from '../../container-paths.js';
import type { ContainerDetails, Engine } from '../../docker/engine.js';
import { Labels, managedLabels } from '../../docker/labels.js';
import { LaunchError } from '../../errors.js';
import {
  type ActivityFacts,
  type KeeperReply,
  keeperRequest,
  parseActivityFacts,
  parseKeeperReply,
} from './keeper.js';
import { WORKSPACE_DIR } from './vscode.js';

/** What `rm` would lose: commits the host repo does not have, and uncommitted files. */
export interface WorkState {
  /** `<short sha> <subject>`, newest first: HEAD and every local branch, not yet in the host repo. */
  unpushed: string[];
  /** `<short sha> <subject> (tag: NAME)`: commits only tags reach (the host fetches no tags). */
  tagged: string[];
  /** `<short sha> <subject> (REF)`: commits only other refs reach (notes, refs/original, ...). */
  otherRefs: string[];
  /** `git status --porcelain` lines (untracked files included, ignored files not), then stashes. */
  uncommitted: string[];
}

const MARK = '@@launch-agent-status@@';
const TAGS_MARK = '@@launch-agent-tags@@';
const OTHER_MARK = '@@launch-agent-other-refs@@';

/** Every ref but branches, tags, remote-tracking refs (they live elsewhere), the stash and ours. */
const OTHER_REFS = ['refs/heads/*', 'refs/tags/*', 'refs/remotes/*', 'refs/stash', `${HOST_KNOWN_REFS}/*`]
  .map((ref) => `--exclude='${ref}'`)
  .concat('--all')
  .join(' ');

/**
 * One exec answers both questions. `--branches` so work on a side branch counts too; with an
 * unborn HEAD only branches are walked. `--no-optional-locks`: a status check must never take
 * the index lock from under the agent's own git commands.
 */
export const WORK_STATE_SCRIPT = [
  'set -e',
  `cd ${WORKSPACE_DIR}`,
  'if git rev-parse -q --verify HEAD >/dev/null; then head=HEAD; else head=; fi',
  // What the host repo has (written by the launch and each landing); before the gate, `local/*`.
  `if [ -d .git/${HOST_KNOWN_REFS} ]; then known=--glob=${HOST_KNOWN_REFS}; else known=--remotes=local; fi`,
  'git log --no-color --no-decorate --format="%h %s" $head --branches --not $known --',
  // Tags and other refs the host never fetches: what only they reach is lost with the workspace.
  `echo ${TAGS_MARK}`,
  'git log --no-color --decorate-refs=refs/tags/ --format="%h %s%d" --tags --not $head --branches $known --',
  `echo ${OTHER_MARK}`,
  `git log --no-color --decorate-refs=refs/ --decorate-refs-exclude=refs/heads/ --decorate-refs-exclude=refs/tags/ --format="%h %s%d" ${OTHER_REFS} --not $head --branches --tags $known --`,
  `echo ${MARK}`,
  'git --no-optional-locks status --porcelain --no-renames',
  // Stashed work is uncommitted work too: `stash@{0}: WIP on ...` lines.
  'git stash list',
].join('\n');

export function parseWorkState(stdout: string): WorkState {
  const at = stdout.indexOf(MARK);
  if (at < 0) throw new Error('git status output is incomplete');
  const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');
  const refs = stdout.slice(0, at);
  const tags = refs.indexOf(TAGS_MARK);
  const other = refs.indexOf(OTHER_MARK);
  // Output of an older script (no tag sections): everything before MARK is unpushed.
  if (tags < 0 || other < tags) {
    return {
      unpushed: lines(refs),
      tagged: [],
      otherRefs: [],
      uncommitted: lines(stdout.slice(at + MARK.length)),
    };
  }
  return {
    unpushed: lines(refs.slice(0, tags)),
    tagged: lines(refs.slice(tags + TAGS_MARK.length, other)),
    otherRefs: lines(refs.slice(other + OTHER_MARK.length)),
    uncommitted: lines(stdout.slice(at + MARK.length)),
  };
}

export function isClean(state: WorkState): boolean {
  return (
    state.unpushed.length === 0 &&
    state.tagged.length === 0 &&
    state.otherRefs.length === 0 &&
    state.uncommitted.length === 0
  );
}

/** Runs the status script in a running container, as its own (agent) user. */
export async function workStateOfRunning(
  engine: Engine,
  id: string,
  signal?: AbortSignal,
): Promise<WorkState> {
  const result = await engine.exec(id, {
    cmd: ['sh', '-c', WORK_STATE_SCRIPT],
    workingDir: WORKSPACE_DIR,
    ...(signal ? { signal } : {}),
  });
  if (result.exitCode !== 0) {
    throw new LaunchError(
      'COMMAND_FAILED',
      `git in the container failed: ${firstLine(result.stderr || result.stdout)}`,
    );
  }
  return parseWorkState(result.stdout);
}

/** What `list` shows of a WorkState. */
export interface WorkSummary {
  ahead: number;
  uncommitted: boolean;
  /** The agent's terminal, from keepers of protocol 2 (printed before the status line). */
  activity?: ActivityFacts;
  /** The launch wrote its ready mark (undefined: the keeper does not say). */
  ready?: boolean;
}

/**
 * `list`'s check of a running container: its keeper answers over attach (no new process in the
 * container); containers launched before the keeper, or an engine that refuses the attach, get
 * the status script through exec. Rejects once `timeoutMs` has passed (a wedged git or engine).
 */
export async function workSummaryOfRunning(
  engine: Engine,
  id: string,
  options: { keeper: boolean; timeoutMs: number },
): Promise<WorkSummary> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  if (options.keeper) {
    try {
      return await askKeeper(engine, id, signal);
    } catch (error) {
      if (signal.aborted || (error instanceof LaunchError && error.code === 'COMMAND_FAILED')) throw error;
    }
  }
  const state = await workStateOfRunning(engine, id, signal);
  return { ahead: state.unpushed.length, uncommitted: state.uncommitted.length > 0 };
}

async function askKeeper(engine: Engine, id: string, signal: AbortSignal): Promise<WorkSummary> {
  const nonce = randomBytes(8).toString('hex');
  let reply: KeeperReply | undefined;
  const output = await engine.attachRequest(id, {
    input: keeperRequest(nonce),
    until: (stdout) => {
      reply = parseKeeperReply(stdout, nonce);
      return reply !== undefined;
    },
    signal,
  });
  if (!reply?.ok) {
    throw new LaunchError('COMMAND_FAILED', `git in the container failed (exit ${reply?.exitCode ?? -1})`);
  }
  const activity = parseActivityFacts(output, nonce);
  return {
    ahead: reply.ahead,
    uncommitted: reply.uncommitted,
    ...(activity ? { activity } : {}),
    ...(reply.ready === undefined ? {} : { ready: reply.ready }),
  };
}

/**
 * A stopped container's workspace is read by a throwaway container that mounts only its volume,
 * read-only: starting the container itself could fail (a moved host repo) or run its agent.
 */
export async function workStateOfStopped(
  engine: Engine,
  details: ContainerDetails,
  /** The engine's list shows the image id once the tag has moved to a newer build: prefer it. */
  image = details.image,
): Promise<WorkState> {
  const volume =
    details.labels[Labels.volume] || details.mounts.find((m) => m.destination === WORKSPACE_DIR)?.name;
  if (!volume) {
    throw new LaunchError('COMMAND_FAILED', `${details.name} has no workspace volume to check`);
  }
  const name = `${details.name}-check-${randomBytes(3).toString('hex')}`;
  const id = await engine.createContainer({
    name,
    image,
    labels: managedLabels('check'),
    env: [],
    entrypoint: ['sleep'],
    cmd: ['300'],
    ...(details.user ? { user: details.user } : {}),
    // The session's uid mapping (keep-id on rootless Podman, which inspect reports as `private`).
    ...(details.labels[Labels.userns] ? { usernsMode: details.labels[Labels.userns] } : {}),
    workingDir: WORKSPACE_DIR,
    mounts: [
      { type: 'volume', source: volume, target: WORKSPACE_DIR, readOnly: true },
      // The history the workspace borrows from the host repo, when it does.
      ...details.mounts
        .filter((m) => m.destination === HOST_OBJECTS && m.type === 'bind')
        .map((m) => ({ type: 'bind' as const, source: m.source, target: HOST_OBJECTS, readOnly: true })),
    ],
    nanoCpus: 1e9,
    memoryBytes: 512 * 1024 * 1024,
    pidsLimit: 128,
    network: 'none',
    securityOpt: ['no-new-privileges'],
    capDrop: ['ALL'],
    capAdd: [],
  });
  try {
    await engine.startContainer(id);
    return await workStateOfRunning(engine, id);
  } finally {
    await engine.removeContainer(id, { force: true });
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
