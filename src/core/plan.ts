import type { AgentDescriptor, AgentName, AuthLocation } from '../agents/types.js';
import { NETWORK_MODES, type NetworkMode, parseHostPattern } from '../config/network.js';
import { AUTH_ROOT, HOME, HOST_OBJECTS, SECRETS_MOUNT, WORKSPACE } from '../container-paths.js';
import type { MountSpec } from '../docker/engine.js';
import { GATE_PROTOCOL, Labels, managedLabels } from '../docker/labels.js';
import { LaunchError } from '../errors.js';
import type { RepoFacts } from '../git/repo.js';
import { type Delivery, deliveryMount } from './launch/deliver.js';
import { deliveryLabel } from './launch/deliver-label.js';
import { parseCpus, parseDisk, parseMemory, parsePids } from './limits.js';
import { containerName, validateFeature } from './names.js';
import { egressName, proxyEnv } from './network/proxy.js';

export type LaunchMode = 'attach' | 'detach' | 'prompt' | 'shell';
export type AuthMode = 'ro' | 'rw' | 'none';

/** Options as the user gave them (strings from flags), before validation. */
export interface LaunchOptions {
  source: string;
  agent: AgentName;
  feature?: string;
  name?: string;
  image?: string;
  baseImage?: string;
  caBundle?: string;
  cpus?: string;
  memory?: string;
  pids?: string;
  /** The workspace's size limit (`--disk`), where the engine's storage can enforce one. */
  disk?: string;
  network?: string;
  /** `--allow HOST`: more hosts for `--network allowlist`. */
  allow?: string[];
  env?: string[];
  secretsFile?: string;
  includeIgnored?: boolean;
  auth?: AuthMode;
  mode: LaunchMode;
  prompt?: string;
  replace?: boolean;
}

/** Host facts the plan depends on; gathered by launch.ts so the plan itself stays pure. */
export interface PlanInputs {
  options: LaunchOptions;
  agent: AgentDescriptor;
  repo: RepoFacts;
  /** The source as given: a local folder, or the URL that was cloned. */
  source: { kind: 'local' | 'url'; value: string };
  platform: NodeJS.Platform;
  /** Auth locations of this agent that exist on the host. */
  authFound: AuthLocation[];
  /** The secrets file, when it exists. */
  secretsFile: string | undefined;
  launcherVersion: string;
  now: Date;
  /** Used as the feature when none is given. */
  randomId: string;
  /**
   * The engine sees this machine's files (a local engine): the workspace borrows the host's
   * objects through a read-only mount instead of a copy.
   */
  shareObjects: boolean;
  /**
   * Set when the engine cannot bind-mount this machine's files: logins and secrets are delivered
   * (launch/deliver.ts), and `key` signs the label that lists them.
   */
  deliver?: { key: Buffer };
}

export interface LaunchPlan {
  name: string;
  volume: string;
  agent: AgentName;
  feature: string;
  branch: string;
  labels: Record<string, string>;
  mounts: MountSpec[];
  env: string[];
  user: { uid: number; gid: number };
  /** Set when the repo owner is root: pushes need root-owned objects, so we keep 1000 and say so. */
  ownerWarning: string | undefined;
  nanoCpus: number;
  memoryBytes: number;
  pidsLimit: number;
  /** `--disk` in bytes; undefined: no limit. */
  diskBytes?: number;
  network: NetworkMode;
  /** The engine network the agent container joins: the mode, or allowlist's internal network. */
  containerNetwork: string;
  /** `--allow` hosts, checked (allowlist only). */
  allow: string[];
  /** allowlist: an outside name fails to resolve in ~2 s, not the engine's ~20 s. */
  dnsOptions: string[];
  securityOpt: string[];
  capDrop: string[];
  /** Credential files, linked (not copied) into the home: homePath -> path in the container. */
  authLinks: Array<{ homePath: string; target: string }>;
  /** Files copied from the host into the home (read, merged with seeds and MCP, then written). */
  homeCopies: AuthLocation[];
  /** The workspace borrows the host's objects (HOST_OBJECTS) rather than copying them. */
  shareObjects: boolean;
  /** Host files written into the container after each start, instead of bind-mounted (launch/deliver.ts). */
  deliveries: Delivery[];
}

export { AUTH_ROOT, ENTRYPOINT, HOME, SECRETS_MOUNT, WORKSPACE } from '../container-paths.js';
export const DEFAULT_UID = 1000;

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function planLaunch(input: PlanInputs): LaunchPlan {
  const { options, agent, repo } = input;
  const feature = validateFeature(options.feature ?? input.randomId);
  const name = options.name ?? containerName(agent.name, repo.name, feature);
  // The name also names the session's refs in the host repo (refs/launch-agent/<name>/...).
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name) || name.includes('..') || name.endsWith('.lock')) {
    throw new LaunchError('USAGE', `--name must match [a-zA-Z0-9][a-zA-Z0-9_.-]*, got \`${name}\``, {
      hint: 'letters, digits, `_`, `.` and `-`, starting with a letter or digit (no `..`, not ending in `.lock`)',
    });
  }
  const branch = `${agent.name}/${feature}`;
  if (repo.branches[branch] !== undefined) {
    throw new LaunchError('USAGE', `the branch ${branch} already exists in ${repo.root}`, {
      hint: `choose another feature with -b, or delete it on the host: git -C ${repo.root} branch -D ${branch}`,
    });
  }
  const network = options.network ?? 'bridge';
  if (!NETWORK_MODES.includes(network as NetworkMode)) {
    throw new LaunchError('USAGE', `--network must be bridge, none or allowlist, got \`${network}\``, {
      hint: 'bridge (the default) reaches the network; allowlist only listed hosts, through a proxy; none nothing',
    });
  }
  const allow = (options.allow ?? []).map((host) => parseHostPattern(host, '--allow'));
  if (allow.length > 0 && network !== 'allowlist') {
    throw new LaunchError('USAGE', `--allow needs --network allowlist, got --network ${network}`, {
      hint: 'add --network allowlist (or [network] mode = "allowlist" in config.toml)',
    });
  }
  const mode = options.mode;
  if (mode === 'prompt' && !options.prompt?.trim()) {
    throw new LaunchError('USAGE', '--prompt needs the text to run, got an empty string', {
      hint: 'e.g. --prompt "fix the failing test"',
    });
  }
  const userEnv = (options.env ?? []).map((pair) => {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (eq < 0 || !ENV_KEY.test(key)) {
      throw new LaunchError('USAGE', `-e must be KEY=VALUE with KEY like MY_VAR, got \`${pair}\``, {
        hint: 'secrets belong in the secrets file (not -e): -e values show in `docker inspect`',
      });
    }
    return pair;
  });

  const { user, ownerWarning } = chooseUser(input.platform, repo.owner);
  const volume = `${name}-workspace`;
  const auth = options.auth ?? 'ro';
  const deliver = input.deliver !== undefined;
  if (deliver && auth === 'rw') {
    throw new LaunchError('USAGE', '--auth rw needs an engine on this machine, and this one runs elsewhere', {
      hint: `--auth rw writes refreshed logins back through a bind mount; use --auth ro (the default) with a long-lived token in the secrets file${agent.longLivedToken ? `, e.g. ${agent.longLivedToken.env}` : ''}`,
    });
  }
  const deliveries: Delivery[] = [];
  const mounts: MountSpec[] = [
    // Nothing of the image's /workspace is wanted: the volume's root is ours to set.
    { type: 'volume', source: volume, target: WORKSPACE, noCopy: true },
  ];
  const hostFile = (source: string, target: string, kind: 'file' | 'dir', readOnly: boolean) => {
    if (deliver) deliveries.push({ source, target, kind });
    else mounts.push({ type: 'bind', source, target, readOnly });
  };
  // Nothing of the host repo is writable from the container: its history is read through this
  // read-only mount (a local engine) and the work comes back by the host fetching from the gate.
  if (input.shareObjects) {
    mounts.push({
      type: 'bind',
      source: joinHost(input.platform, repo.commonDir, 'objects'),
      target: HOST_OBJECTS,
      readOnly: true,
    });
  }
  const authLinks: LaunchPlan['authLinks'] = [];
  const homeCopies: AuthLocation[] = [];
  if (auth !== 'none') {
    for (const location of input.authFound) {
      if (location.credentialFiles.length === 0) {
        homeCopies.push(location);
        continue;
      }
      const target = `${AUTH_ROOT}/${agent.name}/${location.homePath}`;
      hostFile(location.hostPath, target, location.kind, auth !== 'rw');
      authLinks.push({ homePath: location.homePath, target });
    }
  }
  if (input.secretsFile) hostFile(input.secretsFile, SECRETS_MOUNT, 'file', true);
  if (deliveries.length > 0) mounts.push(deliveryMount());

  const created = input.now.toISOString();
  const labels = managedLabels('container', {
    [Labels.agent]: agent.name,
    [Labels.repo]: repo.name,
    [Labels.source]: input.source.value,
    [Labels.hostGitDir]: repo.commonDir,
    [Labels.gate]: GATE_PROTOCOL,
    [Labels.branch]: branch,
    [Labels.volume]: volume,
    [Labels.version]: input.launcherVersion,
    [Labels.created]: created,
    ...(input.deliver && deliveries.length > 0
      ? deliveryLabel({ gid: user.gid, files: deliveries }, input.deliver.key)
      : {}),
    [Labels.network]: network,
  });
  const env = [
    `HOME=${HOME}`,
    'USER=agent',
    'TERM=xterm-256color',
    `LAUNCH_AGENT_AGENT=${agent.name}`,
    `LAUNCH_AGENT_CONTAINER=${name}`,
    ...Object.entries(agent.containerEnv).map(([k, v]) => `${k}=${v}`),
    ...(network === 'allowlist' ? proxyEnv() : []),
    ...userEnv,
  ];

  return {
    name,
    volume,
    agent: agent.name,
    feature,
    branch,
    labels,
    // An engine elsewhere gets no bind mount at all: it would fail the create.
    mounts: deliver ? mounts.filter((m) => m.type !== 'bind') : mounts,
    env,
    user,
    ownerWarning,
    nanoCpus: parseCpus(options.cpus ?? '2'),
    memoryBytes: parseMemory(options.memory ?? '4g'),
    pidsLimit: parsePids(options.pids ?? '512'),
    ...(options.disk === undefined ? {} : { diskBytes: parseDisk(options.disk) }),
    network: network as NetworkMode,
    containerNetwork: network === 'allowlist' ? egressName(name) : network,
    allow,
    dnsOptions: network === 'allowlist' ? ['timeout:1', 'attempts:1'] : [],
    securityOpt: ['no-new-privileges:true'],
    capDrop: ['ALL'],
    authLinks,
    homeCopies,
    shareObjects: input.shareObjects,
    deliveries,
  };
}

/**
 * On Linux the agent takes the repo owner's UID/GID so pushed objects belong to that owner.
 * Docker Desktop and Podman map ownership themselves, so elsewhere we keep 1000.
 */
export function chooseUser(
  platform: NodeJS.Platform,
  owner: { uid: number; gid: number },
): { user: { uid: number; gid: number }; ownerWarning: string | undefined } {
  if (platform !== 'linux') return { user: { uid: DEFAULT_UID, gid: DEFAULT_UID }, ownerWarning: undefined };
  if (owner.uid === 0) {
    return {
      user: { uid: DEFAULT_UID, gid: DEFAULT_UID },
      ownerWarning:
        'the repository is owned by root: the agent runs as uid 1000 (never root); files it cannot read in the repo stay out of its copy',
    };
  }
  return { user: owner, ownerWarning: undefined };
}

function joinHost(platform: NodeJS.Platform, dir: string, child: string): string {
  const sep = platform === 'win32' ? '\\' : '/';
  return dir.endsWith(sep) ? `${dir}${child}` : `${dir}${sep}${child}`;
}
