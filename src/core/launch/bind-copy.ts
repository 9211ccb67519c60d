import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import tar from 'tar-stream';
import type { EngineEndpoint } from '../../docker/connect.js';
import type { Engine, EngineInfo } from '../../docker/engine.js';
import { managedLabels } from '../../docker/labels.js';
import { LaunchError } from '../../errors.js';
import type { RepoFacts } from '../../git/repo.js';
import type { GateFile } from '../../workspace/gate.js';
import type { CopyStats, Owner } from '../../workspace/tar.js';
import {
  type GitDirOptions,
  LOCAL_REMOTE_REFS,
  planGitDir,
  type WorkTreeEntry,
} from '../../workspace/workspace.js';
import { launchLabel } from './ready.js';

/**
 * How the workspace gets into its volume.
 *
 * - `stream`: the launcher reads every file and sends one tar through `PUT /archive`; works with
 *   any engine (remote, Docker Desktop's VM, Podman). The engine unpacks it entry by entry, which
 *   is most of a launch's time for a repo of a few thousand files.
 * - `bind`: when the engine runs on this machine, a short-lived helper container (not the
 *   agent's: ignored files such as `.env` must stay out of the agent's reach) mounts the repo
 *   read-only and copies git's file list into the volume with `cp` (the kernel copies, no tar),
 *   as the agent user, without network or capabilities. About 5x faster for a medium repo.
 */
export type CopyMethod = 'bind' | 'stream';

export interface CopyChoice {
  method: CopyMethod;
  /** Why, for `--verbose`. */
  reason: string;
  /** Asked for by LAUNCH_AGENT_COPY: not getting it is worth a warning. */
  forced?: true;
}

/** `LAUNCH_AGENT_COPY=auto|bind|stream` (default auto) picks the method; see copyMethodBeforeEngine. */
export const COPY_SETTING = 'LAUNCH_AGENT_COPY';

/**
 * `bind` only where the engine sees this machine's files at the same paths with the same uids:
 * a Linux host, a unix socket, the engine's host name equal to ours, rootful Docker (rootless
 * Docker and Podman map uids, so the agent user could not read the repo; Docker Desktop runs
 * the engine in a VM). An engine that cannot mount the repo makes the launch fall back to the
 * stream, so a wrong guess costs time, never the launch.
 *
 * This part needs no engine: a choice, or undefined when only the engine can tell.
 */
export function copyMethodBeforeEngine(input: {
  setting: string | undefined;
  platform: NodeJS.Platform;
  endpoint: EngineEndpoint;
}): CopyChoice | undefined {
  const setting = (input.setting ?? 'auto').trim().toLowerCase();
  if (setting === 'stream' || setting === 'bind') {
    return { method: setting, reason: `${COPY_SETTING}=${setting}`, forced: true };
  }
  if (setting !== 'auto' && setting !== '') {
    throw new LaunchError('USAGE', `${COPY_SETTING} must be auto, bind or stream, got \`${input.setting}\``);
  }
  if (input.platform !== 'linux') {
    return { method: 'stream', reason: `the engine runs in a VM on ${input.platform}` };
  }
  if (input.endpoint.protocol !== 'unix') {
    return { method: 'stream', reason: `the engine is reached over ${input.endpoint.protocol}` };
  }
  return undefined;
}

/** The rest of the rule, from what the engine says about itself (undefined: it did not answer). */
export function copyMethodFromEngine(info: EngineInfo | undefined, hostname: string): CopyChoice {
  const stream = (reason: string): CopyChoice => ({ method: 'stream', reason });
  if (!info) return stream('the engine did not say where it runs');
  // Rootless Podman maps uids; rootful Podman hands an attach's HTTP body to stdin (the helper's input).
  if (info.name !== 'Docker') return stream(`${info.name} takes the stream (uid mapping, attach input)`);
  if (info.rootless) return stream('rootless Docker maps user ids');
  if (/docker desktop/i.test(info.os)) return stream('Docker Desktop runs the engine in a VM');
  if (info.hostname !== hostname) {
    return stream(`the engine runs on ${info.hostname || 'another machine'}, not ${hostname}`);
  }
  return { method: 'bind', reason: 'the engine runs on this machine' };
}

const SRC = '/run/launch-agent/copy/src';
const GIT = '/run/launch-agent/copy/git';
const DST = '/run/launch-agent/copy/workspace';
const STAGE = '/tmp/launch-agent-copy';

/**
 * The helper's script. stdin: a tar holding `list` (the work-tree paths, NUL-separated), `dirs`
 * (their folders) and `git/` (the files written anew into .git). Arguments: paths per `cp`, the
 * index path, then the entries of the host's git dir to copy. The folders are made first so
 * two `cp`s can run side by side without racing to create them (~35% faster on 2 cores; the
 * folders get default modes), and the git dir copies meanwhile. `cp` errors are reported on
 * stderr and judged by the launcher (a file deleted in the work tree is no error; an unreadable
 * one is skipped with a warning).
 */
export const COPY_SCRIPT = [
  'set -u',
  'batch=$1; index=$2; shift 2',
  `mkdir ${STAGE} && tar -x -C ${STAGE} || exit 90`,
  `cd ${DST} && xargs -0 -r -a ${STAGE}/dirs mkdir -p -- && mkdir -p .git || exit 91`,
  `cd ${GIT} || exit 92`,
  `if [ $# -gt 0 ]; then cp -PR --preserve=mode,timestamps -t ${DST}/.git -- "$@" & fi`,
  `cd ${SRC} || exit 91`,
  `xargs -0 -r -P 2 -n "$batch" -a ${STAGE}/list sh -c 'cp -PR --preserve=mode,timestamps --parents -t ${DST} -- "$@"; echo "@@copied $#"' sh`,
  'wait',
  `cd ${GIT} && cp -P --preserve=mode,timestamps -- "$index" ${DST}/.git/index`,
  // Lock files are someone's operation in progress on the host, not state to carry over.
  `if [ -d ${DST}/.git/refs ]; then find ${DST}/.git/refs -name '*.lock' -type f -delete; fi`,
  `rm -rf ${DST}/.git/${LOCAL_REMOTE_REFS}`,
  `cp -R ${STAGE}/git/. ${DST}/.git/ || exit 93`,
  // On stderr, after every cp message: the launcher stops reading here (the exit is ~0.1 s more).
  `echo "@@done $(du -sb ${DST} | cut -f1)" >&2`,
].join('\n');

/** The script's last line: the workspace's size in bytes. */
const DONE = /^@@done (\d+)\n/m;

/** The script's own exit codes: what it could not set up. */
const SETUP_FAILURES: Record<number, string> = {
  90: 'the helper container could not read its file list',
  91: 'the helper container cannot read the repository folder or write the volume (SELinux labels? a remote engine?)',
  92: "the helper container cannot read the repository's git folder",
  93: 'the helper container could not write the git wiring into the workspace',
};

/** Paths per `cp`: about four calls (two at a time), at most 2000 paths each. */
export function copyBatch(total: number): number {
  return Math.min(2000, Math.max(100, Math.ceil(total / 4)));
}

export interface BindCopyInput {
  engine: Engine;
  /** The agent image (has sh, GNU cp, tar, xargs). */
  image: string;
  volume: string;
  repo: RepoFacts;
  /** What to copy from the work tree (listWorkTree). */
  entries: WorkTreeEntry[];
  git: GitDirOptions;
  user: Owner;
  memoryBytes: number;
  /** The container name this copy is for; the helper is named after it. */
  forName: string;
}

export interface BindCopy {
  /** The helper container (the engine removes it when it exits). */
  id: string;
  /** Resolves when the copy is complete; rejects with what went wrong. */
  done: Promise<CopyStats>;
}

/**
 * Lists what to copy, creates the helper container and starts it at once (a container start is
 * the slowest step here, so it overlaps the agent container's own setup); the helper copies
 * once `ready` resolves (the volume's root owned by the agent user). An engine that cannot
 * bind-mount the repo (it does not see this machine's files) fails here, before anything was
 * written.
 */
export async function startBindCopy(
  input: BindCopyInput,
  ready: Promise<unknown>,
  onProgress?: (files: number, total: number) => void,
  debug?: (message: string) => void,
): Promise<BindCopy> {
  const { engine, repo, user, entries } = input;
  const git = await planGitDir(repo, input.git);
  const id = await engine.createContainer({
    name: `${input.forName}-copy-${randomBytes(3).toString('hex')}`,
    image: input.image,
    labels: managedLabels('copy', launchLabel()),
    env: ['LC_ALL=C'],
    entrypoint: ['sh', '-c', COPY_SCRIPT, 'launch-agent-copy'],
    cmd: [String(copyBatch(entries.length)), git.index, ...git.copy],
    user: `${user.uid}:${user.gid}`,
    workingDir: '/',
    openStdin: true,
    stdinOnce: true,
    autoRemove: true,
    mounts: [
      { type: 'bind', source: repo.root, target: SRC, readOnly: true },
      { type: 'bind', source: repo.commonDir, target: GIT, readOnly: true },
      { type: 'volume', source: input.volume, target: DST, noCopy: true },
    ],
    nanoCpus: 2e9,
    memoryBytes: input.memoryBytes,
    pidsLimit: 64,
    network: 'none',
    securityOpt: ['no-new-privileges'],
    capDrop: ['ALL'],
    capAdd: [],
  });
  const done = runHelper(input, id, git, ready, onProgress, debug);
  done.catch(() => undefined);
  return { id, done };
}

async function runHelper(
  input: BindCopyInput,
  id: string,
  git: { files: GateFile[]; dirs: string[] },
  ready: Promise<unknown>,
  onProgress?: (files: number, total: number) => void,
  debug?: (message: string) => void,
): Promise<CopyStats> {
  const { engine, entries, user } = input;
  const total = entries.length;
  const t0 = performance.now();
  const since = () => `${Math.round(performance.now() - t0)} ms`;
  const staged = stageArchive(
    entries.map((e) => e.path),
    git,
    user,
  );
  const stdin = new PassThrough();
  let files = 0;
  let partial = '';
  const running = engine.runContainer(id, {
    stdin,
    until: (stderr) => DONE.test(stderr),
    onStdout: (chunk) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const copied = /^@@copied (\d+)$/.exec(line);
        if (!copied) continue;
        files = Math.min(total, files + Number(copied[1]));
        onProgress?.(files, total);
      }
    },
  });
  running.catch(() => undefined);
  stdin.once('resume', () => debug?.(`copy: helper started after ${since()}`));
  // The helper waits on its stdin; on a failure before it, the launch removes the helper.
  await ready;
  stdin.end(await staged);
  const result = await running;
  debug?.(`copy: helper done after ${since()}`);
  const verdict = judgeCopyErrors(result.stderr);
  if (result.exitCode !== 0 || verdict.errors.length > 0) {
    // The setup step that failed and the tool's own words, so a rare failure can be told apart.
    const said = verdict.errors[0] ?? result.stderr.trim().split('\n')[0];
    const setup = SETUP_FAILURES[result.exitCode];
    const why = setup ? `${setup}${said ? ` (${said})` : ''}` : (said ?? `exit ${result.exitCode}`);
    throw new LaunchError('COMMAND_FAILED', `copying the workspace failed: ${why}`, {
      hint: `check the engine's disk space; ${COPY_SETTING}=stream copies through the engine's archive API instead`,
      details: { exitCode: result.exitCode },
    });
  }
  const bytes = DONE.exec(result.stderr);
  return { files: total, bytes: bytes ? Number(bytes[1]) : 0, skipped: verdict.skipped };
}

/** The helper's stdin: the path list and the generated git files, as one small tar. */
async function stageArchive(
  paths: string[],
  git: { files: GateFile[]; dirs: string[] },
  owner: Owner,
): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const header = (name: string, size: number, mode = 0o644) => ({
    name,
    size,
    mode,
    ...owner,
    mtime: new Date(),
  });
  const nul = (items: Iterable<string>) => Buffer.from([...items].map((item) => `${item}\0`).join(''));
  const list = nul(paths);
  pack.entry(header('list', list.length), list);
  const dirs = nul(new Set(paths.map((p) => path.posix.dirname(p)).filter((dir) => dir !== '.')));
  pack.entry(header('dirs', dirs.length), dirs);
  for (const dir of git.dirs) pack.entry({ ...header(`git/${dir}/`, 0, 0o755), type: 'directory' });
  for (const file of git.files) {
    const body = Buffer.from(file.content);
    pack.entry(header(`git/${file.path}`, body.length, file.mode), body);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/**
 * `cp` speaks on stderr (LC_ALL=C). A path git lists but the work tree no longer has is a
 * deletion the copy keeps; a file the agent user cannot read is skipped, as the stream does;
 * anything else (a full disk) fails the launch.
 */
export function judgeCopyErrors(stderr: string): { skipped: string[]; errors: string[] } {
  const skipped: string[] = [];
  const errors: string[] = [];
  for (const line of stderr.split('\n')) {
    if (line.trim() === '' || /^@@done \d+$/.test(line)) continue;
    if (/^cp: cannot stat '.*': No such file or directory$/.test(line)) continue;
    const denied = /^cp: cannot (?:open|access|stat) '(.*)'(?: for reading)?: Permission denied$/.exec(line);
    if (denied) {
      skipped.push(denied[1]!.replace(/^\/run\/launch-agent\/copy\/(?:src|git)\//, ''));
      continue;
    }
    errors.push(line.trim());
  }
  return { skipped, errors };
}
