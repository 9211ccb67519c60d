import { readFileSync } from 'node:fs';
import https from 'node:https';
import { type Duplex, PassThrough, type Readable, type Writable } from 'node:stream';
// Must come before dockerode: it defers dockerode's rarely used heavy requires.
import './lazy-modules.js';
import Docker from 'dockerode';
import { LaunchError, messageOf } from '../errors.js';
import type { EngineEndpoint } from './connect.js';
import type {
  AttachRequestOptions,
  BuildEvent,
  BuildOptions,
  ContainerDetails,
  ContainerSpec,
  ContainerStats,
  ContainerSummary,
  Engine,
  EngineInfo,
  ExecOptions,
  ExecResult,
  ExecStreamOptions,
  ImageDetails,
  LogsOptions,
  NetworkDetails,
  NetworkSpec,
  NetworkSummary,
  RunContainerOptions,
  VolumeSummary,
} from './engine.js';
import { followBuild, followJsonStream } from './json-stream.js';
import type { HostKeyVerdict } from './known-hosts.js';
import { labelFilter } from './labels.js';
import { hostKeyError, sshConnectOptions } from './ssh-options.js';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EACCES',
  'EPERM',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ECONNRESET',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** What to do about an engine that cannot be reached, by the error's code. */
function unreachableHint(code: string, source: string): string {
  if (code === 'EACCES')
    return 'add yourself to the docker group or point DOCKER_HOST at an engine you may use';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `the engine's host name does not resolve: fix it in ${source === 'DOCKER_HOST' ? 'DOCKER_HOST' : 'the docker context'}, or unset DOCKER_HOST to use the default socket`;
  return 'start Docker (or Podman), or point DOCKER_HOST / docker context at a running engine; `launch-agent doctor` checks the set-up';
}

function dockerodeOptions(
  endpoint: EngineEndpoint,
  onHostKey: (verdict: HostKeyVerdict) => void,
): Docker.DockerOptions {
  switch (endpoint.protocol) {
    case 'unix':
    case 'npipe':
      return { socketPath: endpoint.socketPath! };
    case 'ssh': {
      // docker-modem builds an `ssh:host:port` URL that Node flags with DEP0170 on every run;
      // the request goes through the ssh agent, so that URL is never used: keep stderr clean.
      process.noDeprecation = true;
      // docker-modem asks the agent only when DOCKER_HOST is ssh://, never reads ~/.ssh keys and
      // never checks the host key: ssh-options.ts does what `ssh` would.
      return {
        protocol: 'ssh',
        host: endpoint.host!,
        port: endpoint.port!,
        ...sshConnectOptions(endpoint, onHostKey),
      };
    }
    case 'tcp': {
      const tls = endpoint.tls;
      if (!tls) return { protocol: 'http', host: endpoint.host!, port: endpoint.port! };
      const files = {
        ...(tls.ca ? { ca: readFileSync(tls.ca) } : {}),
        ...(tls.cert ? { cert: readFileSync(tls.cert) } : {}),
        ...(tls.key ? { key: readFileSync(tls.key) } : {}),
      };
      // Without verification (DOCKER_CERT_PATH alone, SkipTLSVerify) the client certificate is
      // still sent, but the server's is not checked: only an agent option can say so.
      const agent = tls.verify ? {} : { agent: new https.Agent({ ...files, rejectUnauthorized: false }) };
      return {
        protocol: 'https',
        host: endpoint.host!,
        port: endpoint.port!,
        ...files,
        ...agent,
      } as Docker.DockerOptions;
    }
  }
}

interface HttpError {
  statusCode?: number;
  code?: string;
  json?: { message?: string };
  reason?: string;
}

function statusOf(error: unknown): number | undefined {
  return (error as HttpError | undefined)?.statusCode;
}

export class DockerodeEngine implements Engine {
  readonly endpoint: EngineEndpoint;
  readonly #docker: Docker;
  /** The last ssh host key verdict, so a refused key is reported as such, not as a vague error. */
  #hostKey: HostKeyVerdict | undefined;
  #product: Promise<EngineInfo['name']> | undefined;

  constructor(endpoint: EngineEndpoint, docker?: Docker) {
    this.endpoint = endpoint;
    this.#docker =
      docker ??
      new Docker(
        dockerodeOptions(endpoint, (verdict) => {
          this.#hostKey = verdict;
        }),
      );
  }

  /** Maps transport failures to ENGINE_UNREACHABLE and engine errors to ENGINE_ERROR with its message. */
  async #call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.mapError(what, error);
    }
  }

  mapError(what: string, error: unknown): LaunchError {
    if (error instanceof LaunchError) return error;
    if (this.#hostKey !== undefined && this.#hostKey !== 'known') {
      return hostKeyError(this.endpoint, this.#hostKey, error);
    }
    const e = error as HttpError;
    if (e?.code && UNREACHABLE_CODES.has(e.code)) {
      return new LaunchError(
        'ENGINE_UNREACHABLE',
        `cannot reach the container engine at ${this.endpoint.url} (${e.code})`,
        {
          hint: unreachableHint(e.code, this.endpoint.source),
          cause: error,
          details: { endpoint: this.endpoint.url, source: this.endpoint.source },
        },
      );
    }
    const message = e?.json?.message ?? messageOf(error);
    return new LaunchError('ENGINE_ERROR', `${what}: ${message}`, { cause: error });
  }

  async info(options: { timeoutMs?: number } = {}): Promise<EngineInfo> {
    const { timeoutMs } = options;
    const signal = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
    return this.#call('engine info', async () => {
      const opts = signal ? { abortSignal: signal } : {};
      // @types/dockerode leaves out the options argument (abortSignal) both calls take.
      const docker = this.#docker as unknown as {
        version(o: object): Promise<Docker.DockerVersion>;
        info(o: object): Promise<{
          SecurityOptions?: string[];
          Driver?: string;
          OperatingSystem?: string;
          Name?: string;
          CgroupVersion?: string;
          /** Podman's own field; Docker says `name=rootless` among its security options. */
          Rootless?: boolean;
          DockerRootDir?: string;
          DriverStatus?: Array<[string, string]>;
        }>;
      };
      const [version, info] = await Promise.all([docker.version(opts), docker.info(opts)]).catch(
        (error: unknown) => {
          if (!signal?.aborted) throw error;
          // A socket that accepts but never answers (a hung engine, a firewall) must not hang us.
          throw new LaunchError(
            'ENGINE_UNREACHABLE',
            `no answer from the container engine at ${this.endpoint.url} within ${timeoutMs! / 1000} s`,
            {
              hint: 'check that the engine is running and responsive (restart it if it hangs)',
              cause: error,
              details: { endpoint: this.endpoint.url, source: this.endpoint.source },
            },
          );
        },
      );
      const podman = isPodman(version);
      const securityOptions: string[] = info.SecurityOptions ?? [];
      const backing = (info.DriverStatus ?? []).find(([key]) => key === 'Backing Filesystem')?.[1];
      return {
        ...(info.DockerRootDir ? { dataRoot: info.DockerRootDir } : {}),
        ...(backing ? { backingFilesystem: backing } : {}),
        endpoint: this.endpoint.url,
        name: podman ? 'Podman' : 'Docker',
        version: version.Version,
        apiVersion: version.ApiVersion,
        storageDriver: info.Driver ?? '',
        os: info.OperatingSystem ?? version.Os,
        arch: version.Arch,
        rootless: info.Rootless === true || securityOptions.some((o) => o.includes('rootless')),
        hostname: info.Name ?? '',
        ...(info.CgroupVersion ? { cgroupVersion: info.CgroupVersion } : {}),
      };
    });
  }

  async product(): Promise<EngineInfo['name']> {
    this.#product ??= this.#call('engine version', async () => {
      const version = await this.#docker.version();
      return isPodman(version) ? 'Podman' : 'Docker';
    });
    return this.#product;
  }

  async inspectImage(ref: string): Promise<ImageDetails | undefined> {
    try {
      const image = await this.#docker.getImage(ref).inspect();
      return {
        id: image.Id,
        tags: image.RepoTags ?? [],
        created: image.Created,
        size: image.Size,
        labels: image.Config?.Labels ?? {},
      };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.mapError(`inspect image ${ref}`, error);
    }
  }

  async listImages(labels: Record<string, string>): Promise<ImageDetails[]> {
    return this.#call('list images', async () => {
      const images = await this.#docker.listImages({ filters: { label: labelFilter(labels) } });
      return images.map((image) => ({
        id: image.Id,
        tags: image.RepoTags ?? [],
        created: new Date(image.Created * 1000).toISOString(),
        size: image.Size,
        labels: image.Labels ?? {},
      }));
    });
  }

  async buildImage(
    context: Readable,
    options: BuildOptions,
    onEvent?: (event: BuildEvent) => void,
  ): Promise<string> {
    const stream = await this.#call('build image', () =>
      this.#docker.buildImage(context as unknown as NodeJS.ReadableStream, {
        t: options.tag,
        ...(options.dockerfile ? { dockerfile: options.dockerfile } : {}),
        buildargs: options.buildArgs ?? {},
        labels: options.labels ?? {},
        nocache: options.noCache ?? false,
        ...(options.pull ? { pull: true } : {}),
        rm: true,
        forcerm: true,
      }),
    );
    return followBuild(stream as unknown as Readable, context, options.tag, onEvent);
  }

  async pullImage(ref: string, onEvent?: (event: BuildEvent) => void): Promise<void> {
    const stream = await this.#call(
      `pull ${ref}`,
      () => this.#docker.pull(ref) as Promise<NodeJS.ReadableStream>,
    );
    const outcome = await followJsonStream(stream as unknown as Readable, (event) => {
      if (event.status)
        onEvent?.({ type: 'output', text: `${event.id ? `${event.id}: ` : ''}${event.status}\n` });
    });
    if (outcome.error) {
      throw new LaunchError('ENGINE_ERROR', `pull ${ref}: ${outcome.error}`, {
        hint: 'check the image name and that the engine can reach its registry (docker login if it is private)',
      });
    }
  }

  async tagImage(id: string, repo: string, tag: string): Promise<void> {
    await this.#call(`tag ${repo}:${tag}`, () => this.#docker.getImage(id).tag({ repo, tag }));
  }

  async removeImage(ref: string): Promise<void> {
    try {
      await this.#docker.getImage(ref).remove();
    } catch (error) {
      if (statusOf(error) !== 404) throw this.mapError(`remove image ${ref}`, error);
    }
  }

  async inspectNetwork(name: string): Promise<NetworkDetails | undefined> {
    try {
      const network = (await this.#docker.getNetwork(name).inspect()) as {
        Name: string;
        Driver: string;
        Options?: Record<string, string> | null;
      };
      return { name: network.Name, driver: network.Driver, options: network.Options ?? {} };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.mapError(`inspect network ${name}`, error);
    }
  }

  async createNetwork(spec: NetworkSpec): Promise<string> {
    return this.#call(`create network ${spec.name}`, async () => {
      const network = await this.#docker.createNetwork({
        Name: spec.name,
        Labels: spec.labels,
        Internal: spec.internal,
        CheckDuplicate: true,
        ...(spec.options ? { Options: spec.options } : {}),
      });
      return network.id;
    });
  }

  async removeNetwork(nameOrId: string): Promise<void> {
    try {
      await this.#docker.getNetwork(nameOrId).remove();
    } catch (error) {
      if (statusOf(error) !== 404) throw this.mapError(`remove network ${nameOrId}`, error);
    }
  }

  async listNetworks(labels: Record<string, string>): Promise<NetworkSummary[]> {
    return this.#call('list networks', async () => {
      const list = await this.#docker.listNetworks({ filters: { label: labelFilter(labels) } });
      return list.map((n) => ({
        id: n.Id,
        name: n.Name,
        internal: n.Internal ?? false,
        labels: n.Labels ?? {},
        created: n.Created,
      }));
    });
  }

  async connectNetwork(
    network: string,
    container: string,
    options: { aliases?: string[] } = {},
  ): Promise<void> {
    await this.#call(`connect ${container} to ${network}`, () =>
      this.#docker.getNetwork(network).connect({
        Container: container,
        ...(options.aliases ? { EndpointConfig: { Aliases: options.aliases } } : {}),
      }),
    );
  }

  async createVolume(
    name: string,
    labels: Record<string, string>,
    driverOpts?: Record<string, string>,
  ): Promise<void> {
    await this.#call(`create volume ${name}`, () =>
      this.#docker.createVolume({
        Name: name,
        Labels: labels,
        ...(driverOpts ? { DriverOpts: driverOpts } : {}),
      }),
    );
  }

  async removeVolume(name: string): Promise<void> {
    // In use (409) for a moment while a just-exited, auto-removed helper is still going away.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#docker.getVolume(name).remove();
        return;
      } catch (error) {
        const status = statusOf(error);
        if (status === 404) return;
        if (status !== 409 || attempt >= 20) throw this.mapError(`remove volume ${name}`, error);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async inspectVolume(name: string): Promise<VolumeSummary | undefined> {
    try {
      const volume = await this.#docker.getVolume(name).inspect();
      return { name: volume.Name, labels: volume.Labels ?? {} };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.mapError(`inspect volume ${name}`, error);
    }
  }

  async listVolumes(labels: Record<string, string>): Promise<VolumeSummary[]> {
    return this.#call('list volumes', async () => {
      const result = await this.#docker.listVolumes({ filters: { label: labelFilter(labels) } });
      return (result.Volumes ?? []).map((v) => {
        const createdAt = (v as { CreatedAt?: string }).CreatedAt;
        return { name: v.Name, labels: v.Labels ?? {}, ...(createdAt ? { createdAt } : {}) };
      });
    });
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    return this.#call(`create container ${spec.name}`, async () => {
      const container = await this.#docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Labels: spec.labels,
        Env: spec.env,
        ...(spec.cmd ? { Cmd: spec.cmd } : {}),
        ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
        ...(spec.user ? { User: spec.user } : {}),
        ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
        ...(spec.hostname ? { Hostname: spec.hostname } : {}),
        Tty: spec.tty ?? false,
        OpenStdin: spec.openStdin ?? false,
        ...(spec.stdinOnce ? { StdinOnce: true, AttachStdin: true } : {}),
        HostConfig: {
          Mounts: spec.mounts.map((m) => ({
            Type: m.type,
            Source: m.source,
            Target: m.target,
            ReadOnly: m.readOnly ?? false,
            ...(m.noCopy ? { VolumeOptions: { NoCopy: true } as Docker.MountSettings['VolumeOptions'] } : {}),
            ...(m.tmpfs ? { TmpfsOptions: { SizeBytes: m.tmpfs.sizeBytes, Mode: m.tmpfs.mode } } : {}),
          })),
          ...(spec.autoRemove ? { AutoRemove: true } : {}),
          NanoCpus: spec.nanoCpus,
          Memory: spec.memoryBytes,
          PidsLimit: spec.pidsLimit,
          NetworkMode: spec.network,
          ...(spec.dnsOptions?.length ? { DnsOptions: spec.dnsOptions } : {}),
          SecurityOpt: spec.securityOpt,
          CapDrop: spec.capDrop,
          CapAdd: spec.capAdd,
          RestartPolicy: { Name: spec.restartPolicy ?? 'no' },
          ...(spec.storageOpt ? { StorageOpt: spec.storageOpt } : {}),
          ...(spec.logConfig
            ? { LogConfig: { Type: spec.logConfig.type, Config: spec.logConfig.config } }
            : {}),
          ...(spec.usernsMode ? { UsernsMode: spec.usernsMode } : {}),
        },
        ...(spec.networkAliases
          ? { NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: spec.networkAliases } } } }
          : {}),
      });
      return container.id;
    });
  }

  async pathExists(id: string, path: string): Promise<boolean> {
    try {
      // The answer is in the headers; the (empty) body must be let go, or the socket stays open.
      const response: unknown = await this.#docker.getContainer(id).infoArchive({ path });
      (response as { destroy?: () => void } | undefined)?.destroy?.();
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw this.mapError(`stat ${path} in ${id}`, error);
    }
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.#docker.getContainer(id).start();
    } catch (error) {
      if (statusOf(error) !== 304) throw this.mapError(`start ${id}`, error);
    }
  }

  async stopContainer(id: string, timeoutSeconds = 10): Promise<void> {
    try {
      await this.#docker.getContainer(id).stop({ t: timeoutSeconds });
    } catch (error) {
      if (statusOf(error) !== 304) throw this.mapError(`stop ${id}`, error);
    }
  }

  async removeContainer(id: string, options: { force?: boolean } = {}): Promise<void> {
    try {
      await this.#docker.getContainer(id).remove({ force: options.force ?? false, v: false });
    } catch (error) {
      if (statusOf(error) === 404) return;
      // Killing an auto-removed helper starts its removal at once: ours then races it.
      if (statusOf(error) === 409 && /already in progress/.test(messageOf(error))) return;
      throw this.mapError(`remove ${id}`, error);
    }
  }

  async inspectContainer(idOrName: string): Promise<ContainerDetails | undefined> {
    let c: Docker.ContainerInspectInfo;
    try {
      c = await this.#docker.getContainer(idOrName).inspect();
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.mapError(`inspect ${idOrName}`, error);
    }
    const host = c.HostConfig;
    return {
      id: c.Id,
      name: c.Name.replace(/^\//, ''),
      image: c.Config.Image,
      running: c.State.Running,
      state: c.State.Status,
      startedAt: c.State.StartedAt,
      createdAt: c.Created,
      labels: c.Config.Labels ?? {},
      user: c.Config.User ?? '',
      env: c.Config.Env ?? [],
      mounts: (c.Mounts ?? []).map((m) => ({
        type: m.Type,
        source: m.Source,
        destination: m.Destination,
        rw: m.RW,
        ...(m.Name ? { name: m.Name } : {}),
      })),
      nanoCpus: host.NanoCpus ?? 0,
      memoryBytes: host.Memory ?? 0,
      pidsLimit: host.PidsLimit ?? 0,
      securityOpt: host.SecurityOpt ?? [],
      capDrop: host.CapDrop ?? [],
      capAdd: host.CapAdd ?? [],
      network: host.NetworkMode ?? '',
      restartCount: c.RestartCount,
    };
  }

  async listContainers(options: {
    all?: boolean;
    labels: Record<string, string>;
    volume?: string;
  }): Promise<ContainerSummary[]> {
    return this.#call('list containers', async () => {
      const list = await this.#docker.listContainers({
        all: options.all ?? false,
        filters: {
          label: labelFilter(options.labels),
          ...(options.volume ? { volume: [options.volume] } : {}),
        },
      });
      return list.map((c) => ({
        id: c.Id,
        name: (c.Names[0] ?? '').replace(/^\//, ''),
        image: c.Image,
        state: c.State,
        status: c.Status,
        created: c.Created,
        labels: c.Labels ?? {},
      }));
    });
  }

  async putArchive(id: string, targetDir: string, tar: Readable): Promise<void> {
    await this.#call(`copy into ${id}:${targetDir}`, async () => {
      const failed = new Promise<never>((_, reject) => tar.once('error', reject));
      await Promise.race([this.#docker.getContainer(id).putArchive(tar, { path: targetDir }), failed]);
    });
  }

  async getArchive(id: string, sourcePath: string): Promise<Readable> {
    return this.#call(`copy from ${id}:${sourcePath}`, async () => {
      const stream = await this.#docker.getContainer(id).getArchive({ path: sourcePath });
      return stream as unknown as Readable;
    });
  }

  async runContainer(id: string, options: RunContainerOptions): Promise<ExecResult> {
    return this.#call(`run ${id}`, async () => {
      const container = this.#docker.getContainer(id);
      const stream = (await container.attach({
        stream: true,
        hijack: true,
        stdin: true,
        stdout: true,
        stderr: true,
      })) as unknown as Duplex;
      // Asked before the start: an auto-removed container may be gone right after it exits.
      const waiting = new AbortController();
      const exited = container.wait({ condition: 'next-exit', abortSignal: waiting.signal }) as Promise<{
        StatusCode?: number;
      }>;
      exited.catch(() => undefined);
      const stdout: Buffer[] = [];
      const out = collector(stdout);
      if (options.onStdout) out.on('data', options.onStdout);
      let stderr = '';
      const err = new PassThrough().setEncoding('utf8');
      const output = () => ({ stdout: Buffer.concat(stdout).toString('utf8'), stderr });
      const saidDone = new Promise<void>((resolve) => {
        err.on('data', (chunk: string) => {
          stderr += chunk;
          if (options.until?.(stderr)) resolve();
        });
      });
      const ended = new Promise<void>((resolve, reject) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
      });
      this.#docker.modem.demuxStream(stream, out, err);
      try {
        await container.start();
      } catch (error) {
        stream.destroy();
        throw error;
      }
      options.stdin.pipe(stream);
      options.stdin.on('end', () => stream.end());
      const first = await Promise.race([exited.then((r) => ({ exit: r })), saidDone.then(() => undefined)]);
      if (!first) {
        // Done by its own word: the container exits (and is removed) without us waiting.
        stream.destroy();
        waiting.abort();
        return { exitCode: 0, ...output() };
      }
      await ended;
      return { exitCode: first.exit.StatusCode ?? 1, ...output() };
    });
  }

  async exec(id: string, options: ExecOptions): Promise<ExecResult> {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const out = collector(stdout);
    const err = collector(stderr);
    const input = options.stdin === undefined ? undefined : streamOf(options.stdin);
    const exitCode = await this.execStream(id, {
      cmd: options.cmd,
      ...(options.user ? { user: options.user } : {}),
      ...(options.env ? { env: options.env } : {}),
      ...(options.workingDir ? { workingDir: options.workingDir } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      tty: false,
      ...(input ? { stdin: input } : {}),
      stdout: out,
      stderr: err,
    });
    return {
      exitCode,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
    };
  }

  async execStream(id: string, options: ExecStreamOptions): Promise<number> {
    return this.#call(`exec in ${id}`, async () => {
      const exec = await this.#docker.getContainer(id).exec({
        Cmd: options.cmd,
        AttachStdin: options.stdin !== undefined,
        AttachStdout: true,
        AttachStderr: true,
        Tty: options.tty,
        ...(options.user ? { User: options.user } : {}),
        ...(options.env ? { Env: options.env } : {}),
        ...(options.workingDir ? { WorkingDir: options.workingDir } : {}),
        ...(options.detachKeys ? { DetachKeys: options.detachKeys } : {}),
        ...(options.signal ? { abortSignal: options.signal } : {}),
      });
      const stream = await exec.start({
        hijack: true,
        stdin: options.stdin !== undefined,
        Tty: options.tty,
        ...(options.signal ? { abortSignal: options.signal } : {}),
      });
      if (options.tty && options.size) {
        await exec.resize({ h: options.size.rows, w: options.size.columns }).catch(() => undefined);
      }
      options.onResize?.(async (size) => {
        await exec.resize({ h: size.rows, w: size.columns }).catch(() => undefined);
      });
      const { signal } = options;
      const abort = () => stream.destroy(signal?.reason as Error);
      signal?.addEventListener('abort', abort, { once: true });
      if (signal?.aborted) abort();
      const done = new Promise<void>((resolve, reject) => {
        stream.on('end', resolve);
        stream.on('close', () => (signal?.aborted ? reject(signal.reason) : resolve()));
        stream.on('error', reject);
      }).finally(() => signal?.removeEventListener('abort', abort));
      if (options.tty) stream.pipe(options.stdout, { end: false });
      else this.#docker.modem.demuxStream(stream, options.stdout, options.stderr);
      if (options.stdin) {
        options.stdin.pipe(stream);
        // A finite stdin (a string, a file) ends: half-close so the command sees EOF.
        options.stdin.on('end', () => (stream as unknown as { end?: () => void }).end?.());
      }
      await done;
      options.stdin?.unpipe(stream);
      const result = await exec.inspect();
      return result.ExitCode ?? 1;
    });
  }

  async logs(id: string, options: LogsOptions): Promise<void> {
    await this.#call(`logs of ${id}`, async () => {
      const container = this.#docker.getContainer(id);
      const { Config } = await container.inspect();
      const base = {
        stdout: true,
        stderr: true,
        ...(options.tail === undefined ? {} : { tail: options.tail }),
        ...(options.since === undefined ? {} : { since: options.since }),
        ...(options.timestamps ? { timestamps: true } : {}),
      };
      if (!options.follow) {
        const buffer = (await container.logs({ ...base, follow: false })) as Buffer;
        if (Config.Tty) options.stdout.write(buffer);
        else demuxBuffer(buffer, options.stdout, options.stderr);
        return;
      }
      const stream = await container.logs({ ...base, follow: true });
      await new Promise<void>((resolve, reject) => {
        stream.on('end', resolve);
        stream.on('error', reject);
        if (Config.Tty) stream.pipe(options.stdout, { end: false });
        else this.#docker.modem.demuxStream(stream, options.stdout, options.stderr);
      });
    });
  }

  async attachRequest(id: string, options: AttachRequestOptions): Promise<string> {
    const { signal } = options;
    return this.#call(`attach to ${id}`, async () => {
      signal?.throwIfAborted();
      const stream = (await this.#docker.getContainer(id).attach({
        stream: true,
        stdin: true,
        stdout: true,
        stderr: true,
        hijack: true,
        ...(signal ? { abortSignal: signal } : {}),
      })) as unknown as Duplex;
      const abort = () => stream.destroy(signal?.reason as Error);
      signal?.addEventListener('abort', abort, { once: true });
      try {
        return await new Promise<string>((resolve, reject) => {
          let text = '';
          const stdout = new PassThrough().setEncoding('utf8');
          stdout.on('data', (chunk: string) => {
            text += chunk;
            if (options.until(text)) resolve(text);
          });
          this.#docker.modem.demuxStream(stream, stdout, new PassThrough().resume());
          stream.on('error', reject);
          stream.on('close', () =>
            reject(signal?.reason ?? new Error('the container detached before replying')),
          );
          if (signal?.aborted) abort();
          else stream.write(options.input);
        });
      } finally {
        signal?.removeEventListener('abort', abort);
        stream.destroy();
      }
    });
  }

  async followOutput(
    id: string,
    options: { onData: (chunk: string) => void; signal?: AbortSignal },
  ): Promise<void> {
    const { signal } = options;
    await this.#call(`attach to ${id}`, async () => {
      if (signal?.aborted) return;
      const stream = (await this.#docker.getContainer(id).attach({
        stream: true,
        stdin: false,
        stdout: true,
        stderr: false,
        hijack: true,
        ...(signal ? { abortSignal: signal } : {}),
      })) as unknown as Duplex;
      const abort = () => stream.destroy();
      signal?.addEventListener('abort', abort, { once: true });
      try {
        await new Promise<void>((resolve) => {
          const stdout = new PassThrough().setEncoding('utf8');
          stdout.on('data', options.onData);
          this.#docker.modem.demuxStream(stream, stdout, new PassThrough().resume());
          stream.on('error', () => resolve());
          stream.on('close', () => resolve());
          stream.on('end', () => resolve());
          if (signal?.aborted) abort();
        });
      } finally {
        signal?.removeEventListener('abort', abort);
        stream.destroy();
      }
    });
  }

  async stats(id: string): Promise<ContainerStats> {
    return this.#call(`stats of ${id}`, async () => {
      const s = (await this.#docker.getContainer(id).stats({ stream: false })) as Docker.ContainerStats;
      const cpuDelta = s.cpu_stats.cpu_usage.total_usage - (s.precpu_stats.cpu_usage?.total_usage ?? 0);
      const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
      const cpus = s.cpu_stats.online_cpus ?? s.cpu_stats.cpu_usage.percpu_usage?.length ?? 1;
      const cpuPercent = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
      const cache = (s.memory_stats.stats as Record<string, number> | undefined)?.inactive_file ?? 0;
      const networks = Object.values(s.networks ?? {});
      const pids = (s as unknown as { pids_stats?: { current?: number } }).pids_stats?.current;
      return {
        measured: pids !== undefined || s.cpu_stats.cpu_usage.total_usage > 0,
        cpuPercent,
        memoryBytes: Math.max(0, (s.memory_stats.usage ?? 0) - cache),
        memoryLimitBytes: s.memory_stats.limit ?? 0,
        pids: pids ?? 0,
        networkRxBytes: networks.reduce((sum, n) => sum + n.rx_bytes, 0),
        networkTxBytes: networks.reduce((sum, n) => sum + n.tx_bytes, 0),
      };
    });
  }
}

/** Podman's Docker-compatible API names itself among the version's components. */
function isPodman(version: Docker.DockerVersion): boolean {
  const components = (version as { Components?: Array<{ Name?: string }> }).Components ?? [];
  return components.some((c) => /podman/i.test(c.Name ?? ''));
}

function collector(chunks: Buffer[]): Writable {
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  return sink;
}

function streamOf(input: string | Buffer): Readable {
  const stream = new PassThrough();
  stream.end(input);
  return stream;
}

/** The engine's multiplexed log format: 8-byte header (stream, 0, 0, 0, size32) per frame. */
function demuxBuffer(buffer: Buffer, stdout: Writable, stderr: Writable): void {
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    const payload = buffer.subarray(offset + 8, offset + 8 + size);
    (type === 2 ? stderr : stdout).write(payload);
    offset += 8 + size;
  }
}
