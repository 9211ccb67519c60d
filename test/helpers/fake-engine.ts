import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { KEEPER_MARK, KEEPER_PROTOCOL } from '../../src/core/sessions/keeper.js';
import { parseWorkState } from '../../src/core/sessions/work-state.js';
import type { EngineEndpoint } from '../../src/docker/connect.js';
import type {
  AttachRequestOptions,
  ContainerSpec,
  ContainerSummary,
  Engine,
  EngineInfo,
  ExecOptions,
  ExecResult,
} from '../../src/docker/engine.js';
import { Labels } from '../../src/docker/labels.js';

/**
 * The one test double of the engine for unit tests (session commands and the launch): it keeps
 * containers and volumes in memory and records what it was asked. Anything it does not model
 * throws, so a test never passes on a call it did not expect.
 */
export interface FakeContainer {
  name: string;
  state?: string;
  agent?: string;
  repo?: string;
  created?: string;
  /** What the git status script prints in it (or a failure); its keeper answers the same. */
  git?: ExecResult;
  /** Launched with the keeper (its label); `hang` never replies, `refuse` fails the attach. */
  keeper?: true | 'hang' | 'refuse';
  /** The user namespace its launch asked for (label), e.g. keep-id on rootless Podman. */
  userns?: string;
}

export class FakeEngine {
  readonly removedContainers: string[] = [];
  readonly removedVolumes: string[] = [];
  readonly created: string[] = [];
  readonly createdSpecs: Array<{ name: string; usernsMode?: string }> = [];
  /** What the engine's version report says it is. */
  productName: 'Docker' | 'Podman' = 'Docker';
  /** What info() reports beyond a rootful Docker Engine (e.g. rootless Podman). */
  infoOverride: Partial<EngineInfo> = {};
  readonly execs: Array<{ id: string; options: ExecOptions }> = [];
  readonly attaches: string[] = [];
  readonly stopped: string[] = [];
  readonly started: string[] = [];
  volumes: string[];
  containers: FakeContainer[];
  /** Containers created through createContainer, by id, with their spec. */
  readonly specs = new Map<string, ContainerSpec>();
  /** Every archive put into a container: path in the archive -> entry. */
  readonly archives: Array<{
    id: string;
    entries: Map<string, { mode: number; content: string; type: string }>;
  }> = [];
  readonly createdVolumes: string[] = [];
  /** Makes the next startContainer fail with this error (a launch's failure path). */
  failStart: Error | undefined;
  endpoint: EngineEndpoint = {
    url: 'unix:///fake.sock',
    protocol: 'unix',
    socketPath: '/fake.sock',
    source: 'test',
  };

  constructor(containers: FakeContainer[], volumes?: string[]) {
    this.containers = containers;
    this.volumes = volumes ?? containers.map((c) => `${c.name}-workspace`);
  }

  asEngine(): Engine {
    return this as unknown as Engine;
  }

  summary(c: FakeContainer): ContainerSummary {
    return {
      id: `id-${c.name}`,
      name: c.name,
      image: 'launch-agent/claude:abc',
      state: c.state ?? 'running',
      status: '',
      created: 1_700_000_000,
      labels: {
        [Labels.managed]: 'true',
        [Labels.kind]: 'container',
        [Labels.agent]: c.agent ?? 'claude',
        [Labels.repo]: c.repo ?? 'repo',
        [Labels.branch]: 'claude/x',
        [Labels.volume]: `${c.name}-workspace`,
        ...(c.created ? { [Labels.created]: c.created } : {}),
        ...(c.userns ? { [Labels.userns]: c.userns } : {}),
        ...(c.keeper ? { [Labels.keeper]: KEEPER_PROTOCOL } : {}),
      },
    };
  }

  async listContainers(options: {
    all?: boolean;
    labels: Record<string, string>;
  }): Promise<ContainerSummary[]> {
    return this.containers
      .map((c) => this.summary(c))
      .filter((c) => options.all || c.state === 'running')
      .filter((c) => Object.entries(options.labels).every(([key, value]) => c.labels[key] === value));
  }

  async listNetworks(): Promise<[]> {
    return [];
  }

  async listVolumes(): Promise<Array<{ name: string; labels: Record<string, string> }>> {
    return this.volumes.map((name) => ({ name, labels: {} }));
  }

  async exec(id: string, options: ExecOptions): Promise<ExecResult> {
    this.execs.push({ id, options });
    const name = id.replace(/^id-/, '').replace(/-check-[0-9a-f]+$/, '');
    const c = this.containers.find((x) => x.name === name);
    return c?.git ?? { exitCode: 0, stdout: '@@launch-agent-status@@\n', stderr: '' };
  }

  /** The keeper's side: one reply line per request, after another client's reply and some noise. */
  async attachRequest(id: string, options: AttachRequestOptions): Promise<string> {
    this.attaches.push(id);
    const c = this.containers.find((x) => `id-${x.name}` === id);
    if (c?.keeper === 'refuse') throw new Error('attach refused');
    if (c?.keeper === 'hang') {
      return new Promise((_, reject) =>
        options.signal?.addEventListener('abort', () => reject(options.signal?.reason)),
      );
    }
    const nonce = /^launch-agent-status ([0-9a-z]+)\n$/.exec(options.input)?.[1];
    const git = c?.git ?? gitOutput([]);
    let line = `${KEEPER_MARK} ${nonce} fail ${git.exitCode}\n`;
    if (git.exitCode === 0) {
      const state = parseWorkState(git.stdout);
      line = `${KEEPER_MARK} ${nonce} ok ${state.unpushed.length} ${state.uncommitted.length > 0 ? 1 : 0}\n`;
    }
    const output = `${KEEPER_MARK} 0other0 ok 9 1\nnoise\n${line}`;
    if (!options.until(output)) throw new Error('the container detached before replying');
    return output;
  }

  async inspectContainer(id: string) {
    const c = this.containers.find((x) => `id-${x.name}` === id);
    if (!c) return undefined;
    return {
      id,
      name: c.name,
      image: 'launch-agent/claude:abc',
      user: '1000:1000',
      labels: this.summary(c).labels,
      mounts: [],
    };
  }

  async product(): Promise<'Docker' | 'Podman'> {
    return this.productName;
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    this.created.push(spec.name);
    this.specs.set(`id-${spec.name}`, spec);
    this.createdSpecs.push(spec);
    return `id-${spec.name}`;
  }

  async startContainer(id: string): Promise<void> {
    this.started.push(id);
    if (this.failStart) throw this.failStart;
  }

  async info(): Promise<EngineInfo> {
    return {
      endpoint: this.endpoint.url,
      name: 'Docker',
      version: '20.10.24',
      apiVersion: '1.41',
      storageDriver: 'overlay2',
      os: 'Debian GNU/Linux 12',
      arch: 'x86_64',
      rootless: false,
      hostname: 'fake-engine-host',
      ...this.infoOverride,
    };
  }

  async inspectImage(ref: string) {
    return { id: `sha256:${ref}`, tags: [ref], created: '', size: 1, labels: {} };
  }

  async createVolume(name: string): Promise<void> {
    this.createdVolumes.push(name);
    this.volumes.push(name);
  }

  async inspectVolume(name: string) {
    return this.volumes.includes(name) && !this.createdVolumes.includes(name)
      ? { name, labels: {} }
      : undefined;
  }

  /** Reads the whole tar: every entry's mode and (text) content, by path. */
  async putArchive(id: string, _dir: string, archive: Readable): Promise<void> {
    const entries = new Map<string, { mode: number; content: string; type: string }>();
    const extract = tar.extract();
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        entries.set(header.name.replace(/\/$/, ''), {
          mode: header.mode ?? 0,
          type: header.type ?? 'file',
          content: Buffer.concat(chunks).toString('utf8'),
        });
        next();
      });
      stream.resume();
    });
    await pipeline(archive, extract);
    this.archives.push({ id, entries });
  }

  async stopContainer(id: string): Promise<void> {
    this.stopped.push(id);
  }

  async removeContainer(id: string): Promise<void> {
    this.removedContainers.push(id);
  }

  async removeVolume(name: string): Promise<void> {
    this.removedVolumes.push(name);
  }
}

export function gitOutput(unpushed: string[], uncommitted: string[] = [], exitCode = 0): ExecResult {
  return {
    exitCode,
    stdout: [...unpushed, '@@launch-agent-status@@', ...uncommitted, ''].join('\n'),
    stderr: exitCode === 0 ? '' : 'fatal: not a git repository',
  };
}
