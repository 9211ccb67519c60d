import { hostname } from 'node:os';
import { getAgent } from '../../agents/registry.js';
import type { AgentDescriptor } from '../../agents/types.js';
import type { HostFacts } from '../../config/paths.js';
import type { Engine, EngineInfo } from '../../docker/engine.js';
import type { RepoFacts } from '../../git/repo.js';
import { listWorkTree, type WorkTreeEntry } from '../../workspace/workspace.js';
import { engineKind, usernsFor } from '../engine-profile.js';
import type { HomeFileTransform } from '../home.js';
import { shortId } from '../names.js';
import type { AllowEntry } from '../network/allowlist.js';
import { launchAllowList } from '../network/load.js';
import { type LaunchOptions, type LaunchPlan, planLaunch } from '../plan.js';
import { COPY_SETTING, type CopyChoice, copyMethodBeforeEngine, copyMethodFromEngine } from './bind-copy.js';
import { claimName } from './claim.js';
import type { LaunchSteps } from './context.js';
import { engineSeesHostFiles } from './deliver.js';
import { deliveryKey } from './deliver-label.js';
import { existingAuth, findSecretsFile, resolveSource, unreadableByAgent } from './host-facts.js';
import { type KeychainLogin, keychainLogin } from './keychain.js';

/** Everything the launch knows before it creates anything. */
export interface LaunchFacts {
  agent: AgentDescriptor;
  repo: RepoFacts;
  source: { kind: 'local' | 'url'; value: string };
  plan: LaunchPlan;
  copy: CopyChoice;
  /** MCP servers and other per-file additions to the home. */
  transform: HomeFileTransform | undefined;
  /** The agent container's user namespace: `keep-id` on rootless Podman (engine-profile.ts). */
  usernsMode: string | undefined;
  /** A login read from the macOS Keychain (no host file): written into the home. */
  keychain: KeychainLogin | undefined;
  /** `--network allowlist`: the hosts its proxy lets through (empty otherwise). */
  allowList: AllowEntry[];
  /** What to copy from the work tree; git lists it while names and images are checked. */
  entries: Promise<WorkTreeEntry[]>;
}

/**
 * Step 1, gather facts: the source, secrets file, logins and the engine's kind side by side,
 * then the pure plan, MCP config (input errors are found before anything is created) and the
 * name's claim. Nothing is created here.
 */
export async function gatherFacts(options: LaunchOptions, steps: LaunchSteps): Promise<LaunchFacts> {
  const { deps } = steps;
  const agent = getAgent(options.agent);
  // Side by side; settled first, so a clone in progress is never left running behind an error.
  const engineInfo = deps.engine.info({ timeoutMs: 15_000 }).catch(() => undefined);
  const [resolved, secrets, auth, copyChoice, info] = await Promise.allSettled([
    resolveSource(options.source, deps.host, steps.progress),
    findSecretsFile(options.secretsFile, deps.host),
    options.auth === 'none' ? [] : existingAuth(agent.authLocations(deps.host)),
    decideCopy(deps.engine, deps.host, engineInfo),
    engineInfo,
  ]);
  const { repo, source } = settledValue(resolved);
  const secretsFile = settledValue(secrets);
  const authFound = settledValue(auth);
  const keychain = await keychainLogin(agent, options, authFound, deps, (m) => steps.warn(m));
  const copy = settledValue(copyChoice);
  const known = settledValue(info);
  const usernsMode = known ? usernsFor(engineKind(known, deps.engine.endpoint)) : undefined;
  const entries = listWorkTree(repo.root, options.includeIgnored ?? false);
  entries.catch(() => undefined);
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
    // Only an engine that mounts this machine's files can borrow the host's objects.
    shareObjects: copy.method === 'bind',
    // An engine elsewhere gets the logins and secrets over exec, not as bind mounts.
    ...(engineSeesHostFiles(settledValue(info), hostname())
      ? {}
      : { deliver: { key: await deliveryKey(deps.host) } }),
  });
  if (plan.ownerWarning) steps.warn(plan.ownerWarning);
  if (deps.host.platform === 'linux') {
    for (const problem of await unreadableByAgent(plan)) steps.warn(problem);
  }
  const transform = await deps.homeTransform?.(agent, repo.root, {
    secretsFile,
    env: options.env,
    warn: (message) => steps.warn(message),
  });
  const allowList = await launchAllowList({
    plan,
    agent,
    repoRoot: repo.root,
    host: deps.host,
    warn: (m) => steps.warn(m),
  });
  await claimName(deps.engine, plan, options.replace ?? false);
  steps.checkAbort();
  return { agent, repo, source, plan, copy, usernsMode, keychain, transform, allowList, entries };
}

/** From where the engine runs (asked once, early; a local unix socket decides without it). */
async function decideCopy(
  engine: Engine,
  host: HostFacts,
  info: Promise<EngineInfo | undefined>,
): Promise<CopyChoice> {
  const early = copyMethodBeforeEngine({
    setting: host.env[COPY_SETTING],
    platform: host.platform,
    endpoint: engine.endpoint,
  });
  if (early) return early;
  return copyMethodFromEngine(await info, hostname());
}

function settledValue<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}
