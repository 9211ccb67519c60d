import type { Readable, Writable } from 'node:stream';
import type { EngineEndpoint } from './connect.js';

/**
 * What the core needs from a container engine. Only `dockerode-engine.ts` implements it,
 * so the core and its tests never see dockerode.
 */
export interface Engine {
  readonly endpoint: EngineEndpoint;
  /** Rejects with ENGINE_UNREACHABLE when the engine does not answer within `timeoutMs`. */
  info(options?: { timeoutMs?: number }): Promise<EngineInfo>;

  inspectImage(ref: string): Promise<ImageDetails | undefined>;
  listImages(labels: Record<string, string>): Promise<ImageDetails[]>;
  /** Builds from a tar stream of the context; rejects with the failing step and the engine's message. */
  buildImage(
    context: Readable,
    options: BuildOptions,
    onEvent?: (event: BuildEvent) => void,
  ): Promise<string>;
  /** Pulls from the image's registry; rejects with the engine's message. */
  pullImage(ref: string, onEvent?: (event: BuildEvent) => void): Promise<void>;
  tagImage(id: string, repo: string, tag: string): Promise<void>;
  removeImage(ref: string): Promise<void>;

  /** `driverOpts`: the local driver's options, e.g. `{ size: '10G' }` (a quota where the storage has them). */
  createVolume(
    name: string,
    labels: Record<string, string>,
    driverOpts?: Record<string, string>,
  ): Promise<void>;
  removeVolume(name: string): Promise<void>;
  inspectVolume(name: string): Promise<VolumeSummary | undefined>;
  listVolumes(labels: Record<string, string>): Promise<VolumeSummary[]>;

  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutSeconds?: number): Promise<void>;
  removeContainer(id: string, options?: { force?: boolean }): Promise<void>;
  inspectContainer(idOrName: string): Promise<ContainerDetails | undefined>;
  /** With `volume`: only containers that mount that volume. */
  listContainers(options: {
    all?: boolean;
    labels: Record<string, string>;
    volume?: string;
  }): Promise<ContainerSummary[]>;
  putArchive(id: string, targetDir: string, tar: Readable): Promise<void>;
  /** Whether a path exists in a container's file system (running or not). */
  pathExists(id: string, path: string): Promise<boolean>;
  getArchive(id: string, sourcePath: string): Promise<Readable>;

  /**
   * Starts a created container (made with `openStdin` and `stdinOnce`) attached, feeds it
   * `stdin`, and resolves when it exits, with its output.
   */
  runContainer(id: string, options: RunContainerOptions): Promise<ExecResult>;
  /** Runs a command to completion and captures its output. */
  exec(id: string, options: ExecOptions): Promise<ExecResult>;
  /** Runs a command wired to the given streams (TTY or not); resolves with its exit code. */
  execStream(id: string, options: ExecStreamOptions): Promise<number>;
  /** Each log entry (one line) is one write; `timestamps` prefixes it with RFC 3339 time and a space. */
  logs(id: string, options: LogsOptions): Promise<void>;
  stats(id: string): Promise<ContainerStats>;
  /**
   * Docker or Podman, from the engine's version report (one light request, asked once). Absent
   * (test doubles): Docker.
   */
  product?(): Promise<EngineInfo['name']>;
  /**
   * Attaches to the main process's stdin/stdout (no new process in the container), writes
   * `input`, and resolves with what it printed once `until(stdout)` holds; then detaches.
   * Rejects when `signal` aborts, and when the stream ends before `until` holds.
   */
  attachRequest(id: string, options: AttachRequestOptions): Promise<string>;
  /**
   * Follows the main process's stdout from now on (no logs, no stdin), one call per chunk;
   * resolves when the container stops or `signal` aborts.
   */
  followOutput(id: string, options: { onData: (chunk: string) => void; signal?: AbortSignal }): Promise<void>;
  resizeContainerTty?(id: string, size: TtySize): Promise<void>;
  /** A network's driver and options (e.g. the bridge's `com.docker.network.driver.mtu`). */
  inspectNetwork?(name: string): Promise<NetworkDetails | undefined>;

  /** Returns the network's id. */
  createNetwork(spec: NetworkSpec): Promise<string>;
  /** Gone already is fine. */
  removeNetwork(nameOrId: string): Promise<void>;
  listNetworks(labels: Record<string, string>): Promise<NetworkSummary[]>;
  /** Attaches a (created or running) container to one more network. */
  connectNetwork(network: string, container: string, options?: { aliases?: string[] }): Promise<void>;
}

export interface NetworkSpec {
  name: string;
  labels: Record<string, string>;
  /** No way out of the network: the engine neither routes nor NATs it. */
  internal: boolean;
  /** Driver options, e.g. `com.docker.network.bridge.inhibit_ipv4`. */
  options?: Record<string, string>;
}

export interface NetworkSummary {
  id: string;
  name: string;
  internal: boolean;
  labels: Record<string, string>;
  /** RFC 3339. */
  created: string;
}

export interface EngineInfo {
  endpoint: string;
  name: 'Docker' | 'Podman';
  version: string;
  apiVersion: string;
  storageDriver: string;
  os: string;
  arch: string;
  rootless: boolean;
  /** `1` or `2` (empty when the engine does not say): rootless engines on v1 cannot apply limits. */
  cgroupVersion?: string;
  /** The engine machine's host name (Docker's `Name`): equal to ours when the engine is local. */
  hostname: string;
  /** Where the engine keeps images, containers and volumes (Docker's `DockerRootDir`), when it says. */
  dataRoot?: string;
  /** The file system under the storage driver (overlay2's `Backing Filesystem`, e.g. `xfs`, `extfs`), when it says. */
  backingFilesystem?: string;
}

export interface ImageDetails {
  id: string;
  tags: string[];
  created: string;
  size: number;
  labels: Record<string, string>;
}

export interface BuildOptions {
  tag: string;
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  noCache?: boolean;
  pull?: boolean;
}

export type BuildEvent =
  | { type: 'step'; text: string }
  | { type: 'output'; text: string }
  | { type: 'id'; id: string };

export interface NetworkDetails {
  name: string;
  driver: string;
  options: Record<string, string>;
}

export interface VolumeSummary {
  name: string;
  labels: Record<string, string>;
  /** ISO time, when the engine says. */
  createdAt?: string;
}

export interface MountSpec {
  type: 'bind' | 'volume' | 'tmpfs';
  source: string;
  target: string;
  readOnly?: boolean;
  /** A volume only: do not copy the image's content at the target into a new volume. */
  noCopy?: boolean;
  /** A tmpfs only: its size limit and the mode of its root. */
  tmpfs?: { sizeBytes: number; mode: number };
}

export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  env: string[];
  cmd?: string[];
  entrypoint?: string[];
  user?: string;
  workingDir?: string;
  tty?: boolean;
  openStdin?: boolean;
  /** Close stdin when the first attached client detaches (so the command sees EOF). */
  stdinOnce?: boolean;
  /** The engine removes the container when it exits. */
  autoRemove?: boolean;
  hostname?: string;
  mounts: MountSpec[];
  nanoCpus: number;
  memoryBytes: number;
  pidsLimit: number;
  network: string;
  /** Other names the container answers to on `network` (a user-defined network only). */
  networkAliases?: string[];
  /** resolv.conf options, e.g. `timeout:1`. */
  dnsOptions?: string[];
  securityOpt: string[];
  capDrop: string[];
  capAdd: string[];
  /** Brought back after an engine restart or a reboot unless the user stopped it (default: never). */
  restartPolicy?: 'no' | 'unless-stopped';
  /** The storage driver's per-container options, e.g. `{ size: '10G' }` (overlay2 on xfs with pquota). */
  storageOpt?: Record<string, string>;
  /** The main process's output: log driver and its options (e.g. json-file `max-size`). */
  logConfig?: { type: string; config: Record<string, string> };
  /** The user namespace, e.g. `keep-id` on rootless Podman (the host user keeps its uid inside). */
  usernsMode?: string;
}

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  state: string;
  status: string;
  created: number;
  labels: Record<string, string>;
}

export interface ContainerDetails {
  id: string;
  name: string;
  image: string;
  running: boolean;
  state: string;
  startedAt: string;
  createdAt: string;
  labels: Record<string, string>;
  user: string;
  env: string[];
  mounts: Array<{ type: string; source: string; destination: string; rw: boolean; name?: string }>;
  nanoCpus: number;
  memoryBytes: number;
  pidsLimit: number;
  securityOpt: string[];
  capDrop: string[];
  capAdd: string[];
  network: string;
  restartCount: number;
}

export interface ExecOptions {
  cmd: string[];
  user?: string;
  env?: string[];
  workingDir?: string;
  /** Aborting detaches and rejects (the command may still run on in the container). */
  signal?: AbortSignal;
  /** Written to the command's stdin, then closed. */
  stdin?: string | Buffer;
}

export interface RunContainerOptions {
  /** Piped in once the container has started; ending it closes the container's stdin. */
  stdin: Readable;
  /** Each chunk of stdout as it arrives (e.g. progress lines). */
  onStdout?: (chunk: Buffer) => void;
  /**
   * The command's own word that its work is done, read from its stderr so far: once true, the
   * call detaches and resolves (exit code 0) without waiting for the container to exit.
   */
  until?: (stderr: string) => boolean;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface TtySize {
  rows: number;
  columns: number;
}

export interface ExecStreamOptions {
  cmd: string[];
  user?: string;
  env?: string[];
  workingDir?: string;
  tty: boolean;
  stdin?: Readable;
  stdout: Writable;
  stderr: Writable;
  size?: TtySize;
  /** Called with a function that resizes the exec's TTY (for SIGWINCH). */
  onResize?: (resize: (size: TtySize) => Promise<void>) => void;
  /** The engine's own detach sequence in stdin (default Ctrl-P Ctrl-Q), e.g. `ctrl-^,ctrl-^`. */
  detachKeys?: string;
  /** Aborting detaches and rejects (the command may still run on in the container). */
  signal?: AbortSignal;
}

export interface LogsOptions {
  follow?: boolean;
  tail?: number;
  /** Only entries at or after this time: Unix seconds, with up to 9 decimals. */
  since?: string;
  timestamps?: boolean;
  stdout: Writable;
  stderr: Writable;
}

export interface AttachRequestOptions {
  input: string;
  until: (stdout: string) => boolean;
  signal?: AbortSignal;
}

export interface ContainerStats {
  /**
   * False when the engine has no cgroup numbers for the container (rootless Podman on cgroup
   * v1 answers with zeros and the host's memory): CPU, memory and PIDs then mean nothing.
   */
  measured: boolean;
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  pids: number;
  networkRxBytes: number;
  networkTxBytes: number;
}
