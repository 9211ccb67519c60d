import type { Readable } from 'node:stream';
import type { Engine } from '../../docker/engine.js';
import { Labels, managedLabels } from '../../docker/labels.js';
import { type AllowEntry, proxyFilter } from '../network/allowlist.js';
import { removeEgress } from '../network/objects.js';
import { PROXY_ALIAS, PROXY_ALLOW_JSON_PATH, PROXY_FILTER_PATH } from '../network/proxy.js';
import type { LaunchPlan } from '../plan.js';
import type { ProgressFn } from '../progress.js';

/** The proxy's limits: tinyproxy takes a thread per connection (MaxClients 100) and ~2 MB. */
const PROXY_LIMITS = { nanoCpus: 1_000_000_000, memoryBytes: 64 * 1024 * 1024, pidsLimit: 128 };

export interface EgressInput {
  engine: Engine;
  plan: LaunchPlan;
  /** The effective allow-list (allowlist mode only; see network/load.ts). */
  allowList: AllowEntry[];
  /** `launch-agent/proxy:<hash>`, built when stale. */
  proxyImage: () => Promise<string>;
  progress: ProgressFn;
}

/**
 * An allowlist session's proxy and internal network (plan.containerNetwork), removed on
 * disposal unless `keep()` was called, as the launch's other objects are (see created.ts).
 * Nothing for bridge and none.
 */
export interface Egress extends AsyncDisposable {
  /** Settles once the proxy runs; rejects with why it could not start. */
  ready: Promise<void>;
  keep(): void;
}

export async function prepareEgress(input: EgressInput): Promise<Egress> {
  const { engine, plan, progress } = input;
  if (plan.network !== 'allowlist') {
    return {
      ready: Promise.resolve(),
      keep: () => undefined,
      [Symbol.asyncDispose]: async () => undefined,
    };
  }
  const name = plan.containerNetwork;
  progress({ step: 'egress', message: 'starting the egress proxy', state: 'start' });
  const entries = input.allowList;
  const [image] = await Promise.all([
    input.proxyImage(),
    // Left by a launch killed outright: the name's session container is gone (claimName saw to it).
    removeEgress(engine, plan.name),
  ]);
  const egress = new EgressObjects(engine);
  const labels = managedLabels('network', {
    [Labels.session]: plan.name,
    [Labels.repo]: plan.labels[Labels.repo]!,
  });
  try {
    await createInternalNetwork(engine, name, labels);
    egress.network = name;
  } catch (error) {
    await egress[Symbol.asyncDispose]();
    throw error;
  }
  egress.ready = (async () => {
    const id = await engine.createContainer({
      name,
      image,
      labels: { ...labels, [Labels.kind]: 'proxy', [Labels.image]: image },
      env: [],
      user: '65534:65534',
      hostname: PROXY_ALIAS,
      mounts: [],
      ...PROXY_LIMITS,
      network: name,
      networkAliases: [PROXY_ALIAS],
      securityOpt: ['no-new-privileges:true'],
      capDrop: ['ALL'],
      capAdd: [],
      // `egress NAME` reads this log: bounded, ~30k requests.
      logConfig: { type: 'json-file', config: { 'max-size': '8m', 'max-file': '3' } },
    });
    egress.proxy = id;
    await Promise.all([
      // Its way out: the engine's default network, as any bridge container.
      engine.connectNetwork('bridge', id),
      filterArchive(entries).then((tar) => engine.putArchive(id, '/', tar)),
    ]);
    await engine.startContainer(id);
  })();
  egress.ready.catch(() => undefined);
  // The proxy comes up while the agent container is made; the launch waits for it at the end.
  const own = entries.filter((e) => !e.from.startsWith('built-in')).length;
  progress({
    step: 'egress',
    message: `egress proxy ${name}: ${entries.length} hosts allowed (${own} from config, --allow or MCP)`,
    state: 'done',
  });
  return egress;
}

/** Internal: no route out. The host holds no address on it either (Docker's inhibit_ipv4). */
async function createInternalNetwork(
  engine: Engine,
  name: string,
  labels: Record<string, string>,
): Promise<string> {
  try {
    return await engine.createNetwork({
      name,
      labels,
      internal: true,
      options: { 'com.docker.network.bridge.inhibit_ipv4': 'true' },
    });
  } catch {
    // An engine that does not know the option (Podman) has no host address on internal networks.
    return engine.createNetwork({ name, labels, internal: true });
  }
}

class EgressObjects implements Egress {
  network = '';
  ready: Promise<void> = Promise.resolve();
  proxy: string | undefined;
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
    // A proxy still being made is removed once it exists; then the network, which it held.
    await this.ready.catch(() => undefined);
    if (this.proxy) await this.#engine.removeContainer(this.proxy, { force: true }).catch(() => undefined);
    if (this.network) await this.#engine.removeNetwork(this.network).catch(() => undefined);
  }
}

/** The filter tinyproxy reads, and the list with its sources for `egress --list`. */
async function filterArchive(entries: readonly AllowEntry[]): Promise<Readable> {
  const { default: tarStream } = await import('tar-stream');
  const tar = tarStream.pack();
  const file = (name: string, text: string) =>
    tar.entry({ name, mode: 0o644, uid: 0, gid: 0, mtime: new Date() }, text);
  file(PROXY_FILTER_PATH, proxyFilter(entries));
  file(PROXY_ALLOW_JSON_PATH, `${JSON.stringify(entries, null, 2)}\n`);
  tar.finalize();
  return tar as unknown as Readable;
}
