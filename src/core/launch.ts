import type { Readable } from 'node:stream';
import { getAgent } from '../agents/registry.js';
import type { AgentDescriptor } from '../agents/types.js';
import type { ProgressFn } from '../cli/progress.js';
import type { HostFacts } from '../config/paths.js';
import type { Engine } from '../docker/engine.js';
import { Labels, managedLabels } from '../docker/labels.js';
import { LaunchError } from '../errors.js';
import { formatBytes } from '../util/format.js';
import { OwnedTar } from '../workspace/tar.js';
import { addWorkspace } from '../workspace/workspace.js';
import { readContainerFile } from './container-files.js';
import { addHome, type HomeFileTransform, remapAgentUser } from './home.js';
import { claimName } from './launch/claim.js';
import { CreatedObjects } from './launch/created.js';
import {
  ensurePushDirs,
  existingAuth,
  findSecretsFile,
  resolveSource,
  unreadableByAgent,
} from './launch/host-facts.js';
import { shortId } from './names.js';
import { DEFAULT_UID, HOME, HOST_GIT_MOUNT, type LaunchOptions, planLaunch, WORKSPACE } from './plan.js';
import { KEEPER_CONTAINER, KEEPER_LABELS } from './sessions/keeper.js';

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
  const { repo, source } = await resolveSource(options.source, deps.host, progress);
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
  if (deps.host.platform === 'linux') {
    for (const problem of await unreadableByAgent(plan)) warn(problem);
  }
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
    labels: { ...plan.labels, [Labels.image]: image, ...KEEPER_LABELS, ...deps.extraLabels },
    env: plan.env,
    // The keeper keeps it up and answers `list`; the agent runs through `docker exec`.
    ...KEEPER_CONTAINER,
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
