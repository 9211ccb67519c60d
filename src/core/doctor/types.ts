import type { HostFacts } from '../../config/paths.js';
import type { Engine } from '../../docker/engine.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of the report: what was found, and for warn/fail the one thing to do about it. */
export interface DoctorCheck {
  /** Stable id for scripts: `engine`, `storage-driver`, `git`, `login.claude`, `secrets-file`, `code`, ... */
  name: string;
  status: CheckStatus;
  detail: string;
  remedy?: string;
  /** Machine-readable facts behind `detail` (`--json`). */
  facts?: Record<string, string | number | boolean | string[] | null>;
}

export interface FileProbe {
  kind: 'file' | 'dir' | 'other';
  /** Permission bits, e.g. 0o600. */
  mode: number;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Everything doctor touches on the host, injected so every check is unit-tested without I/O. */
export interface DoctorDeps {
  /** Connects lazily; may throw a LaunchError when DOCKER_HOST or the docker context is unusable. */
  engine: () => Promise<Engine>;
  host: HostFacts;
  /** `undefined` when nothing is there. */
  stat: (file: string) => Promise<FileProbe | undefined>;
  readFile: (file: string) => Promise<string>;
  /** Runs a host program to completion; `undefined` when it is not installed. */
  run: (file: string, args: string[]) => Promise<RunResult | undefined>;
  /** Per-image state, when the images module can tell; left out, the images check is skipped. */
  images?: (engine: Engine) => Promise<ImageState[]>;
  /** The user's config.toml: files read, MCP server names, warnings; throws CONFIG_INVALID. Left out: no check. */
  userConfig?: () => Promise<{ files: string[]; servers: string[]; warnings: string[] }>;
  /** The default-route interface and its MTU (Linux); left out or undefined: no MTU check. */
  hostMtu?: () => Promise<{ iface: string; mtu: number } | undefined>;
  /** How long the engine may take to answer (default 15 s). */
  engineTimeoutMs?: number;
  /** This machine's host name (compared with the engine's to tell a local engine); default os.hostname(). */
  hostname?: string;
  /** `--secrets FILE`; defaults to the user's secrets file. */
  secretsFile?: string;
}

export interface ImageState {
  image: string;
  present: boolean;
  upToDate: boolean;
  detail?: string;
}
