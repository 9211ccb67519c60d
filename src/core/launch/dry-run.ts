import { randomBytes } from 'node:crypto';
import { getAgent } from '../../agents/registry.js';
import type { HostFacts } from '../../config/paths.js';
import type { EngineEndpoint } from '../../docker/connect.js';
import type { MountSpec } from '../../docker/engine.js';
import { LaunchError } from '../../errors.js';
import { parseRemoteSource } from '../../git/clone.js';
import { localSourcePath, pathHostOf, wslDriveNote } from '../host-paths.js';
import { shortId } from '../names.js';
import type { AllowEntry } from '../network/allowlist.js';
import { launchAllowList } from '../network/load.js';
import { type LaunchOptions, planLaunch } from '../plan.js';
import { vscodeUri } from '../sessions/vscode.js';
import { COPY_SETTING, copyMethodBeforeEngine } from './bind-copy.js';
import { existingAuth, findSecretsFile, resolveSource } from './host-facts.js';

/** What `launch --dry-run` prints: the launch's plan, from the real plan code; nothing is created. */
export interface DryRunPlan {
  dryRun: true;
  name: string;
  agent: string;
  branch: string;
  repo: string;
  source: string;
  volume: string;
  user: string;
  network: string;
  /** `--network allowlist`: the hosts its proxy would let through, and where each comes from. */
  allow?: AllowEntry[];
  copy: { method: 'bind' | 'stream'; reason: string };
  mounts: MountSpec[];
  /** Where logins and secrets land when the engine cannot mount them (delivered after start). */
  deliveries: string[];
  /** Names only: values may be the user's (`-e`), and secrets never go into env anyway. */
  env: string[];
  limits: { nanoCpus: number; memoryBytes: number; pidsLimit: number };
  engine: Pick<EngineEndpoint, 'url' | 'protocol' | 'source'> & { socketPath?: string };
  vscodeUri: string;
  notes: string[];
}

/**
 * Reads the host as a launch does (the repo, logins, the secrets file) and plans, without
 * touching the engine, cloning, or writing anything: for scripts that want to see what a launch
 * would do, and for tests of the path rules on inputs of other platforms.
 */
export async function planDryRun(
  options: LaunchOptions,
  deps: { host: HostFacts; endpoint: EngineEndpoint; random?: () => number; now?: () => Date },
): Promise<DryRunPlan> {
  const pathHost = pathHostOf(deps.host);
  const local = localSourcePath(options.source, pathHost);
  if (local === options.source && parseRemoteSource(options.source, () => true)) {
    throw new LaunchError(
      'USAGE',
      `--dry-run plans launches of local folders, got the URL ${options.source}`,
      {
        hint: 'clone it first, or drop --dry-run',
      },
    );
  }
  const agent = getAgent(options.agent);
  const [{ repo, source }, secretsFile, authFound] = await Promise.all([
    resolveSource(local, deps.host, () => undefined),
    findSecretsFile(options.secretsFile, deps.host),
    options.auth === 'none' ? [] : existingAuth(agent.authLocations(deps.host)),
  ]);
  // The engine is not asked: where only it could tell, assume the local engine a unix socket
  // usually is (the helper copy, sharing the host's objects).
  const copy = copyMethodBeforeEngine({
    setting: deps.host.env[COPY_SETTING],
    platform: deps.host.platform,
    endpoint: deps.endpoint,
  }) ?? { method: 'bind' as const, reason: 'a local engine (assumed: --dry-run does not ask it)' };
  const remote = deps.endpoint.protocol === 'tcp' || deps.endpoint.protocol === 'ssh';
  const plan = planLaunch({
    options,
    agent,
    repo,
    source,
    platform: deps.host.platform,
    authFound,
    secretsFile,
    launcherVersion: 'dry-run',
    now: deps.now?.() ?? new Date(),
    randomId: shortId(deps.random),
    shareObjects: copy.method === 'bind',
    // Its label is signed; a throwaway key, since nothing is created.
    ...(remote ? { deliver: { key: randomBytes(32) } } : {}),
  });
  const notes = [plan.ownerWarning, wslDriveNote(repo.root, pathHost)].filter(
    (note): note is string => note !== undefined,
  );
  const allow = await launchAllowList({
    plan,
    agent,
    repoRoot: repo.root,
    host: deps.host,
    warn: (note) => notes.push(note),
  });
  const { url, protocol, source: from, socketPath } = deps.endpoint;
  return {
    dryRun: true,
    name: plan.name,
    agent: agent.name,
    branch: plan.branch,
    repo: repo.root,
    source: source.value,
    volume: plan.volume,
    user: `${plan.user.uid}:${plan.user.gid}`,
    network: plan.network,
    ...(plan.network === 'allowlist' ? { allow } : {}),
    copy: { method: copy.method, reason: copy.reason },
    mounts: plan.mounts,
    deliveries: plan.deliveries.map((d) => d.target),
    env: plan.env.map((pair) => pair.slice(0, pair.indexOf('='))),
    limits: { nanoCpus: plan.nanoCpus, memoryBytes: plan.memoryBytes, pidsLimit: plan.pidsLimit },
    engine: { url, protocol, source: from, ...(socketPath ? { socketPath } : {}) },
    vscodeUri: vscodeUri(plan.name),
    notes,
  };
}
