import { hostname } from 'node:os';
import type { Readable } from 'node:stream';
import { getAgent } from '../agents/registry.js';
import type { AgentDescriptor } from '../agents/types.js';
import type { ProgressFn } from '../cli/progress.js';
import type { HostFacts } from '../config/paths.js';
import type { Engine, EngineInfo } from '../docker/engine.js';
import { Labels, managedLabels } from '../docker/labels.js';
import { LaunchError, messageOf } from '../errors.js';
import { formatBytes } from '../util/format.js';
import { type CopyStats, OwnedTar } from '../workspace/tar.js';
import { addWorkspace, listWorkTree } from '../workspace/workspace.js';
import { readContainerFile } from './container-files.js';
import { addHome, type HomeFileTransform, remapAgentUser } from './home.js';
import {
  type BindCopy,
  COPY_SETTING,
  type CopyChoice,
  type CopyMethod,
  copyMethodBeforeEngine,
  copyMethodFromEngine,
  startBindCopy,
} from './launch/bind-copy.js';
import { claimName } from './launch/claim.js';
import { CreatedObjects } from './launch/created.js';
import { deliverPlanned, engineSeesHostFiles } from './launch/deliver.js';
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
  /** Details for `--verbose`. */
  debug?: (message: string) => void;
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
  /** `method`: how the files got in (see CopyMethod in launch/bind-copy.ts). */
  copied: { files: number; bytes: number; skipped: string[]; method: CopyMethod };
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

/** Decided from where the engine runs (asked once, early); meanwhile the launch goes on. */
async function decideCopy(
  deps: LaunchDeps,
  engineInfo: Promise<EngineInfo | undefined>,
): Promise<CopyChoice> {
  const { host, engine } = deps;
  const early = copyMethodBeforeEngine({
    setting: host.env[COPY_SETTING],
    platform: host.platform,
    endpoint: engine.endpoint,
  });
  if (early) return early;
  return copyMethodFromEngine(await engineInfo, hostname());
}

function settledValue<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/** Promise.withResolvers, which Node 20 lacks. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
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
  const engineInfo = deps.engine.info({ timeoutMs: 15_000 }).catch(() => undefined);
  const copyChoice = decideCopy(deps, engineInfo);
  copyChoice.catch(() => undefined);
  // Side by side; settled first, so a clone in progress is never left running behind an error.
  const [resolved, secrets, auth] = await Promise.allSettled([
    resolveSource(options.source, deps.host, progress),
    findSecretsFile(options.secretsFile, deps.host),
    options.auth === 'none' ? [] : existingAuth(agent.authLocations(deps.host)),
  ]);
  const { repo, source } = settledValue(resolved);
  const secretsFile = settledValue(secrets);
  const authFound = settledValue(auth);
  // git lists the files while the launch checks names and images.
  const includeIgnored = options.includeIgnored ?? false;
  const workTree = listWorkTree(repo.root, includeIgnored);
  workTree.catch(() => undefined);
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
    deliver: !engineSeesHostFiles(await engineInfo, hostname()),
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

  const entries = await workTree;
  await using created = new CreatedObjects(engine);
  progress({ step: 'create', message: `creating ${plan.name}`, state: 'start' });
  await engine.createVolume(
    plan.volume,
    managedLabels('volume', { [Labels.agent]: agent.name, [Labels.repo]: repo.name }),
  );
  created.volume = plan.volume;
  const choice = await copyChoice;
  // Resolved once the archive has set the volume's root: the helper copies from then on.
  const volumeRoot = deferred();
  const [container, helper] = await Promise.allSettled([
    engine.createContainer({
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
    }),
    choice.method === 'bind'
      ? startBindCopy(
          {
            engine,
            image,
            volume: plan.volume,
            repo,
            entries,
            branch: plan.branch,
            user: plan.user,
            memoryBytes: plan.memoryBytes,
            forName: plan.name,
          },
          volumeRoot.promise,
          (files, total) =>
            progress({ step: 'copy', message: `copying the workspace: ${files}/${total} files` }),
          deps.debug,
        )
      : Promise.resolve(undefined),
  ]);
  if (helper.status === 'fulfilled' && helper.value) created.helper = helper.value.id;
  if (container.status === 'rejected') {
    volumeRoot.reject(container.reason);
    throw container.reason;
  }
  const id = container.value;
  created.container = id;
  let bind: BindCopy | undefined;
  if (helper.status === 'fulfilled') bind = helper.value;
  else if (!deps.signal?.aborted) {
    // An engine that cannot mount the repo (it does not see this machine's files): stream it.
    const note = `copy: no helper container (${messageOf(helper.reason)}); streaming instead`;
    if (choice.forced) warn(note);
    else deps.debug?.(note);
  }
  deps.debug?.(`copy: ${bind ? 'bind' : 'stream'} (${choice.reason})`);
  progress({ step: 'create', message: `created ${plan.name}`, state: 'done' });
  checkAbort();

  progress({ step: 'copy', message: 'copying the workspace', state: 'start' });
  // Everything that lands in the container's own file system (home, /etc/passwd) and, without
  // a helper, the workspace too: one archive, every entry owned by the agent user.
  const tar = new OwnedTar(
    plan.user,
    bind
      ? undefined
      : (stats) =>
          progress({
            step: 'copy',
            message: `copying the workspace: ${stats.files} files, ${formatBytes(stats.bytes)}`,
          }),
  );
  const abortCopy = () => {
    tar.pack.destroy(new Error('interrupted'));
    // Stops a helper mid-copy (its run then ends), rather than waiting for it to finish.
    if (created.helper) engine.removeContainer(created.helper, { force: true }).catch(() => undefined);
  };
  deps.signal?.addEventListener('abort', abortCopy, { once: true });
  const copiedReport = (files: number, bytes: number) => {
    progress({ step: 'copy', message: `copied ${files} files (${formatBytes(bytes)})`, state: 'done' });
    progress({ step: 'git', message: `wiring git: branch ${plan.branch}, remote local`, state: 'start' });
  };
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
    if (bind) {
      // The volume's root, owned by the agent user: the helper copies into it as that user.
      await tar.dir(WORKSPACE.slice(1));
    } else {
      await addWorkspace(tar, {
        repo,
        branch: plan.branch,
        entries,
        prefix: WORKSPACE.slice(1),
        onGit: () => copiedReport(tar.stats.files, tar.stats.bytes),
      });
    }
    await addHome(tar, { prefix: HOME.slice(1), agent, plan, ...(transform ? { transform } : {}) });
    tar.finish();
  })();
  writing.catch((error: unknown) => tar.pack.destroy(error as Error));
  const copyStart = performance.now();
  const since = () => `${Math.round(performance.now() - copyStart)} ms`;
  const archived = Promise.all([engine.putArchive(id, '/', tar.pack as unknown as Readable), writing]);
  archived.then(
    () => {
      deps.debug?.(`copy: archive in after ${since()}`);
      volumeRoot.resolve();
    },
    (error: unknown) => volumeRoot.reject(error),
  );
  // Docker 20.10 holds the container's lock for an archive and for a start: the start follows
  // the archive (small with a helper), while the helper copies into the volume.
  const starting = bind ? archived.then(() => engine.startContainer(id)) : engine.startContainer(id);
  starting.then(() => deps.debug?.(`start: container started after ${since()}`)).catch(() => undefined);
  let copied: CopyStats;
  try {
    if (bind) {
      const [stats] = await Promise.all([bind.done, archived]);
      created.helper = undefined; // the engine removes it once it exits
      copiedReport(stats.files, stats.bytes);
      copied = { ...stats, skipped: [...stats.skipped, ...tar.stats.skipped] };
    } else {
      await archived;
      copied = tar.stats;
    }
  } finally {
    deps.signal?.removeEventListener('abort', abortCopy);
  }
  checkAbort();
  progress({
    step: 'git',
    message: `on branch ${plan.branch}; git push goes to ${repo.root}`,
    state: 'done',
  });
  if (copied.skipped.length > 0) {
    warn(
      `${copied.skipped.length} unreadable file(s) left out of the copy: ${copied.skipped.slice(0, 5).join(', ')}`,
    );
  }
  // Written with the archive, during the copy; reported after it, so step timings stay apart.
  progress({ step: 'config', message: `writing ${agent.displayName} settings`, state: 'start' });
  progress({
    step: 'config',
    message: `${agent.displayName} settings, logins and MCP servers in place`,
    state: 'done',
  });

  progress({ step: 'start', message: 'starting', state: 'start' });
  await starting;
  await deliverPlanned(engine, id, plan, warn);
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
    copied: {
      files: copied.files,
      bytes: copied.bytes,
      skipped: copied.skipped,
      method: bind ? 'bind' : 'stream',
    },
    warnings,
  };
}
