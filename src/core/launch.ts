import { existsSync } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { getAgent } from '../agents/registry.js';
import type { AgentDescriptor, AuthLocation } from '../agents/types.js';
import type { ProgressFn } from '../cli/progress.js';
import { cacheDir, defaultSecretsFile, type HostFacts } from '../config/paths.js';
import type { ContainerDetails, Engine } from '../docker/engine.js';
import { Labels, managedLabels } from '../docker/labels.js';
import { LaunchError } from '../errors.js';
import { cloneOrFetch, parseRemoteSource } from '../git/clone.js';
import { type RepoFacts, readRepo } from '../git/repo.js';
import { formatBytes } from '../util/format.js';
import { OwnedTar } from '../workspace/tar.js';
import { addWorkspace } from '../workspace/workspace.js';
import { readContainerFile } from './container-files.js';
import { addHome, type HomeFileTransform, remapAgentUser } from './home.js';
import { shortId } from './names.js';
import {
  DEFAULT_UID,
  HOME,
  HOST_GIT_MOUNT,
  type LaunchOptions,
  type LaunchPlan,
  PUSH_WRITES,
  planLaunch,
  WORKSPACE,
} from './plan.js';
import { checkSession, describeLoss, isSafeToRemove } from './sessions/remove.js';
import { SESSION_FILTER, toSession } from './sessions/resolve.js';

export interface LaunchDeps {
  engine: Engine;
  host: HostFacts;
  launcherVersion: string;
  /** Builds what is missing or stale and returns the agent image ref. */
  ensureAgentImage: (
    agent: AgentDescriptor,
    options: LaunchOptions,
    onProgress?: ProgressFn,
  ) => Promise<string>;
  /** Renders MCP servers and other per-file additions into the home, if any. */
  homeTransform?: (agent: AgentDescriptor, repoRoot: string) => Promise<HomeFileTransform | undefined>;
  /** Extra labels, e.g. VS Code's devcontainer.metadata. */
  extraLabels?: Record<string, string>;
  onProgress?: ProgressFn;
  warn?: (message: string) => void;
  signal?: AbortSignal;
  now?: () => Date;
  random?: () => number;
}

export interface LaunchResult {
  name: string;
  id: string;
  agent: string;
  image: string;
  branch: string;
  workspace: { volume: string; path: string };
  remotes: Record<string, string>;
  source: string;
  repo: string;
  user: string;
  created: string;
  copied: { files: number; bytes: number; skipped: string[] };
  warnings: string[];
}

/**
 * Plan, then create: images, volume + container, the workspace and home streamed in as one
 * archive owned by the agent user, start. Anything this launch created is removed when a step
 * fails or the launch is interrupted.
 */
export async function launch(options: LaunchOptions, deps: LaunchDeps): Promise<LaunchResult> {
  try {
    return await launchSteps(options, deps);
  } catch (error) {
    // Whatever step the interruption broke, the user sees one interruption, not its side effects.
    if (deps.signal?.aborted) throw interrupted();
    throw error;
  }
}

function interrupted(): LaunchError {
  return new LaunchError('INTERRUPTED', 'launch interrupted; removed what it had created', {
    hint: 'run the same command again to launch',
  });
}

async function launchSteps(options: LaunchOptions, deps: LaunchDeps): Promise<LaunchResult> {
  const progress = deps.onProgress ?? (() => undefined);
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    deps.warn?.(message);
  };
  const checkAbort = () => {
    if (deps.signal?.aborted)
      throw new LaunchError('INTERRUPTED', 'launch interrupted; removed what it had created');
  };

  const agent = getAgent(options.agent);
  const { repo, source } = await resolveSource(options.source, deps, progress);
  const secretsFile = await findSecretsFile(options.secretsFile, deps.host);
  const authFound = options.auth === 'none' ? [] : await existingAuth(agent.authLocations(deps.host));
  const plan = planLaunch({
    options,
    agent,
    repo,
    source,
    platform: deps.host.platform,
    authFound,
    secretsFile,
    launcherVersion: deps.launcherVersion,
    now: deps.now?.() ?? new Date(),
    randomId: shortId(deps.random),
  });
  if (plan.ownerWarning) warn(plan.ownerWarning);
  await ensurePushDirs(repo);

  // MCP config errors are input errors: found before anything is created.
  const transform = await deps.homeTransform?.(agent, repo.root);

  const { engine } = deps;
  await claimName(engine, plan, options.replace ?? false);
  checkAbort();

  const image = await deps.ensureAgentImage(agent, options, deps.onProgress);
  checkAbort();

  await using created = new CreatedObjects(engine);
  progress({ step: 'create', message: `creating ${plan.name}`, state: 'start' });
  await engine.createVolume(
    plan.volume,
    managedLabels('volume', { [Labels.agent]: agent.name, [Labels.repo]: repo.name }),
  );
  created.volume = plan.volume;
  const id = await engine.createContainer({
    name: plan.name,
    image,
    labels: { ...plan.labels, [Labels.image]: image, ...deps.extraLabels },
    env: plan.env,
    // The keeper process: the agent runs through `docker exec` so sessions come and go.
    cmd: ['sleep', 'infinity'],
    user: `${plan.user.uid}:${plan.user.gid}`,
    workingDir: WORKSPACE,
    hostname: plan.name.slice(0, 63),
    mounts: plan.mounts,
    nanoCpus: plan.nanoCpus,
    memoryBytes: plan.memoryBytes,
    pidsLimit: plan.pidsLimit,
    network: plan.network,
    securityOpt: plan.securityOpt,
    capDrop: plan.capDrop,
    capAdd: [],
  });
  created.container = id;
  progress({ step: 'create', message: `created ${plan.name}`, state: 'done' });
  checkAbort();

  // Starting takes a few hundred ms of the engine's time; the copy goes into the running
  // container's volume and home meanwhile. Awaited after the copy.
  const starting = engine.startContainer(id);
  starting.catch(() => undefined);
  progress({ step: 'copy', message: 'copying the workspace', state: 'start' });
  const tar = new OwnedTar(plan.user, (stats) =>
    progress({
      step: 'copy',
      message: `copying the workspace: ${stats.files} files, ${formatBytes(stats.bytes)}`,
    }),
  );
  const abortCopy = () => tar.pack.destroy(new Error('interrupted'));
  deps.signal?.addEventListener('abort', abortCopy, { once: true });
  const writing = (async () => {
    if (plan.user.uid !== DEFAULT_UID || plan.user.gid !== DEFAULT_UID) {
      const [passwd, group] = await Promise.all([
        readContainerFile(engine, id, '/etc/passwd'),
        readContainerFile(engine, id, '/etc/group'),
      ]);
      const remapped = remapAgentUser(passwd, group, plan.user.uid, plan.user.gid);
      await tar.file('etc/passwd', remapped.passwd, 0o644);
      await tar.file('etc/group', remapped.group, 0o644);
    }
    await addWorkspace(tar, {
      repo,
      branch: plan.branch,
      includeIgnored: options.includeIgnored ?? false,
      prefix: 'workspace',
      onGit: () => {
        const { files, bytes } = tar.stats;
        progress({ step: 'copy', message: `copied ${files} files (${formatBytes(bytes)})`, state: 'done' });
        progress({ step: 'git', message: `wiring git: branch ${plan.branch}, remote local`, state: 'start' });
      },
    });
    progress({
      step: 'git',
      message: `on branch ${plan.branch}; git push goes to ${repo.root}`,
      state: 'done',
    });
    progress({ step: 'config', message: `writing ${agent.displayName} settings`, state: 'start' });
    await addHome(tar, { prefix: HOME.slice(1), agent, plan, ...(transform ? { transform } : {}) });
    tar.finish();
  })();
  writing.catch((error: unknown) => tar.pack.destroy(error as Error));
  try {
    await Promise.all([engine.putArchive(id, '/', tar.pack as unknown as Readable), writing]);
  } finally {
    deps.signal?.removeEventListener('abort', abortCopy);
  }
  checkAbort();
  if (tar.stats.skipped.length > 0) {
    warn(
      `${tar.stats.skipped.length} unreadable file(s) left out of the copy: ${tar.stats.skipped.slice(0, 5).join(', ')}`,
    );
  }
  progress({
    step: 'config',
    message: `${agent.displayName} settings, logins and MCP servers in place`,
    state: 'done',
  });

  progress({ step: 'start', message: 'starting', state: 'start' });
  await starting;
  checkAbort();
  progress({ step: 'start', message: `${plan.name} is ready`, state: 'done' });
  created.keep();

  const remotes: Record<string, string> = { local: HOST_GIT_MOUNT };
  if (repo.originUrl) remotes.origin = repo.originUrl;
  return {
    name: plan.name,
    id,
    agent: agent.name,
    image,
    branch: plan.branch,
    workspace: { volume: plan.volume, path: WORKSPACE },
    remotes,
    source: source.value,
    repo: repo.root,
    user: `${plan.user.uid}:${plan.user.gid}`,
    created: plan.labels[Labels.created]!,
    copied: { files: tar.stats.files, bytes: tar.stats.bytes, skipped: tar.stats.skipped },
    warnings,
  };
}

/** Tracks what this launch made; disposal removes it unless the launch succeeded. */
class CreatedObjects implements AsyncDisposable {
  container: string | undefined;
  volume: string | undefined;
  #kept = false;
  readonly #engine: Engine;

  constructor(engine: Engine) {
    this.#engine = engine;
  }

  keep(): void {
    this.#kept = true;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#kept) return;
    if (this.container)
      await this.#engine.removeContainer(this.container, { force: true }).catch(() => undefined);
    if (this.volume) await this.#engine.removeVolume(this.volume).catch(() => undefined);
  }
}

async function resolveSource(
  value: string,
  deps: LaunchDeps,
  progress: ProgressFn,
): Promise<{ repo: RepoFacts; source: { kind: 'local' | 'url'; value: string } }> {
  const remote = parseRemoteSource(value, (p) => existsSync(p));
  if (remote) {
    progress({ step: 'source', message: `fetching ${remote.url}`, state: 'start' });
    const dir = await cloneOrFetch(remote, cacheDir(deps.host));
    progress({ step: 'source', message: `fetched ${remote.url}`, state: 'done' });
    const repo = await readRepo(dir);
    return {
      repo: { ...repo, name: remote.name, originUrl: remote.url },
      source: { kind: 'url', value: remote.url },
    };
  }
  const absolute = path.resolve(value);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) {
    throw new LaunchError('SOURCE_NOT_FOUND', `no such folder: ${value}`, {
      hint: 'pass a folder inside a git work tree, or a repository URL (https://…, git@host:owner/repo, owner/repo)',
    });
  }
  if (!info.isDirectory()) {
    throw new LaunchError('SOURCE_NOT_FOUND', `not a folder: ${value}`, {
      hint: 'pass the repository folder',
    });
  }
  return { repo: await readRepo(absolute), source: { kind: 'local', value: absolute } };
}

async function findSecretsFile(given: string | undefined, host: HostFacts): Promise<string | undefined> {
  if (given !== undefined) {
    const file = path.resolve(given);
    try {
      await access(file);
    } catch {
      throw new LaunchError('FILE_NOT_FOUND', `secrets file not found: ${given}`, {
        hint: '`launch-agent init` creates one with mode 0600; lines are KEY=VALUE',
      });
    }
    return file;
  }
  const file = defaultSecretsFile(host);
  return existsSync(file) ? file : undefined;
}

async function existingAuth(locations: AuthLocation[]): Promise<AuthLocation[]> {
  const found = await Promise.all(
    locations.map(async (location) => {
      const info = await stat(location.hostPath).catch(() => undefined);
      const ok = info && (location.kind === 'dir' ? info.isDirectory() : info.isFile());
      return ok ? location : undefined;
    }),
  );
  return found.filter((l): l is AuthLocation => l !== undefined);
}

/** Each writable part of the host git dir needs a folder to mount; a repo without commits may lack `logs`. */
async function ensurePushDirs(repo: RepoFacts): Promise<void> {
  const { mkdir, chown } = await import('node:fs/promises');
  for (const dir of PUSH_WRITES) {
    const full = path.join(repo.commonDir, dir);
    if (existsSync(full)) continue;
    await mkdir(full);
    await chown(full, repo.owner.uid, repo.owner.gid).catch(() => undefined);
  }
}

async function claimName(engine: Engine, plan: LaunchPlan, replace: boolean): Promise<void> {
  const existing = await engine.inspectContainer(plan.name);
  if (existing) {
    if (!replace) {
      throw new LaunchError(
        'NAME_IN_USE',
        `a container named ${plan.name} already exists (${existing.state})`,
        {
          hint: `open it with \`launch-agent shell ${plan.name}\`, pick another feature with -b, or pass --replace to remove it and start afresh`,
        },
      );
    }
    await replaceContainer(engine, existing);
  }
  // A workspace volume without its container (say, removed with plain `docker rm`) may hold
  // work: never reuse or delete it silently.
  const volume = await engine.inspectVolume(plan.volume);
  if (volume) {
    throw new LaunchError(
      'NAME_IN_USE',
      `the workspace volume ${plan.volume} already exists without its container`,
      {
        hint: `copy out what you need, then \`docker volume rm ${plan.volume}\`; or pick another feature with -b`,
      },
    );
  }
}

/** --replace removes the old container and workspace, unless that would lose work. */
async function replaceContainer(engine: Engine, existing: ContainerDetails): Promise<void> {
  if (existing.labels[Labels.managed] !== 'true') {
    throw new LaunchError(
      'NAME_IN_USE',
      `the container ${existing.name} was not made by launch-agent; --replace leaves it alone`,
      {
        hint: 'choose another name with --name or -b',
      },
    );
  }
  const [summary] = (await engine.listContainers({ all: true, labels: SESSION_FILTER })).filter(
    (c) => c.id === existing.id,
  );
  const checked = summary ? await checkSession(engine, toSession(summary)) : undefined;
  if (!checked || !isSafeToRemove(checked)) {
    throw new LaunchError('UNPUSHED_WORK', `--replace would lose work in ${existing.name}`, {
      hint: `${checked ? `${describeLoss(checked)}\n` : ''}push it first (\`launch-agent exec ${existing.name} -- git push\`), or remove it knowingly: launch-agent rm --force ${existing.name}`,
    });
  }
  await engine.removeContainer(existing.id, { force: true });
  const volume = existing.labels[Labels.volume];
  if (volume) await engine.removeVolume(volume);
}
