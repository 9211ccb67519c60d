import type { AgentDescriptor } from '../../agents/types.js';
import type { HostFacts } from '../../config/paths.js';
import type { Engine } from '../../docker/engine.js';
import { LaunchError } from '../../errors.js';
import type { TransformContext as HomeTransformContext } from '../../mcp/launch.js';
import type { HomeFileTransform } from '../home.js';
import type { LaunchOptions } from '../plan.js';
import type { ProgressFn } from '../progress.js';
import type { ProgramRunner } from './keychain.js';

export interface LaunchDeps {
  engine: Engine;
  host: HostFacts;
  launcherVersion: string;
  /** Builds what is missing or stale and returns the agent image ref (default: core/launch/image.ts). */
  ensureAgentImage?: (
    agent: AgentDescriptor,
    options: LaunchOptions,
    onProgress?: ProgressFn,
  ) => Promise<string>;
  /** The egress proxy's image ref for `--network allowlist` (default: core/launch/image.ts). */
  ensureProxyImage?: (options: LaunchOptions, onProgress?: ProgressFn) => Promise<string>;
  /** Renders MCP servers and other per-file additions into the home, if any. */
  homeTransform?: (
    agent: AgentDescriptor,
    repoRoot: string,
    context: HomeTransformContext,
  ) => Promise<HomeFileTransform | undefined>;
  /** Extra labels, e.g. VS Code's devcontainer.metadata. */
  extraLabels?: Record<string, string>;
  onProgress?: ProgressFn;
  /** Host programs (macOS `security` for a Keychain login); default: execa. */
  runProgram?: ProgramRunner;
  warn?: (message: string) => void;
  /** Details for `--verbose`. */
  debug?: (message: string) => void;
  signal?: AbortSignal;
  now?: () => Date;
  random?: () => number;
}

/** What every step of a launch shares: its deps, progress, warnings and the abort check. */
export class LaunchSteps {
  readonly deps: LaunchDeps;
  readonly warnings: string[] = [];
  readonly progress: ProgressFn;

  constructor(deps: LaunchDeps) {
    this.deps = deps;
    this.progress = deps.onProgress ?? (() => undefined);
  }

  warn(message: string): void {
    this.warnings.push(message);
    this.deps.warn?.(message);
  }

  debug(message: string): void {
    this.deps.debug?.(message);
  }

  checkAbort(): void {
    if (this.deps.signal?.aborted) throw interrupted();
  }
}

export function interrupted(): LaunchError {
  return new LaunchError('INTERRUPTED', 'launch interrupted; removed what it had created', {
    hint: 'run the same command again to launch',
  });
}
