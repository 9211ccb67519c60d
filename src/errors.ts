/** Exit codes are part of the CLI contract (docs/commands.md "Exit codes"); never renumber one. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  engine: 3,
  notFound: 4,
  conflict: 5,
  build: 6,
  /** `wait --timeout` ran out (as timeout(1) does). */
  timeout: 124,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | 'USAGE'
  | 'CONFIG_INVALID'
  | 'ENGINE_UNREACHABLE'
  | 'ENGINE_ERROR'
  | 'SOURCE_NOT_FOUND'
  | 'REPO_NOT_GIT'
  | 'CLONE_FAILED'
  | 'AGENT_UNKNOWN'
  | 'NAME_IN_USE'
  | 'CONTAINER_NOT_FOUND'
  | 'CONTAINER_AMBIGUOUS'
  | 'CONTAINER_NOT_RUNNING'
  | 'AGENT_NOT_RUNNING'
  | 'TIMEOUT'
  | 'IMAGE_BUILD_FAILED'
  | 'IMAGE_MISSING'
  | 'UNPUSHED_WORK'
  | 'FILE_NOT_FOUND'
  | 'COMMAND_FAILED'
  | 'INTERRUPTED'
  | 'DISK_LIMIT_UNSUPPORTED'
  | 'CHECKS_FAILED'
  | 'INTERNAL';

const defaultExitCodes: Record<ErrorCode, ExitCodeValue> = {
  USAGE: ExitCode.usage,
  CONFIG_INVALID: ExitCode.usage,
  ENGINE_UNREACHABLE: ExitCode.engine,
  ENGINE_ERROR: ExitCode.engine,
  SOURCE_NOT_FOUND: ExitCode.notFound,
  REPO_NOT_GIT: ExitCode.usage,
  CLONE_FAILED: ExitCode.failure,
  AGENT_UNKNOWN: ExitCode.usage,
  NAME_IN_USE: ExitCode.conflict,
  CONTAINER_NOT_FOUND: ExitCode.notFound,
  CONTAINER_AMBIGUOUS: ExitCode.usage,
  CONTAINER_NOT_RUNNING: ExitCode.conflict,
  AGENT_NOT_RUNNING: ExitCode.conflict,
  TIMEOUT: ExitCode.timeout,
  IMAGE_BUILD_FAILED: ExitCode.build,
  IMAGE_MISSING: ExitCode.notFound,
  UNPUSHED_WORK: ExitCode.conflict,
  FILE_NOT_FOUND: ExitCode.notFound,
  COMMAND_FAILED: ExitCode.failure,
  INTERRUPTED: ExitCode.interrupted,
  DISK_LIMIT_UNSUPPORTED: ExitCode.usage,
  CHECKS_FAILED: ExitCode.failure,
  INTERNAL: ExitCode.failure,
};

export interface LaunchErrorOptions {
  hint?: string;
  cause?: unknown;
  exitCode?: number;
  /** Extra machine-readable facts for `--json` error output. */
  details?: Record<string, unknown>;
  /**
   * The command already printed its result on stdout (e.g. doctor's report): `main.ts` adds no
   * JSON error document, so `--json` output stays one document; the message still goes to stderr.
   */
  reported?: boolean;
}

/** The one error type the CLI prints without a stack: a stable code, a message and what to do. */
export class LaunchError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly reported: boolean;

  constructor(code: ErrorCode, message: string, options: LaunchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LaunchError';
    this.code = code;
    this.exitCode = options.exitCode ?? defaultExitCodes[code];
    this.hint = options.hint;
    this.details = options.details;
    this.reported = options.reported ?? false;
  }
}

export function isLaunchError(error: unknown): error is LaunchError {
  return error instanceof LaunchError;
}

/** The message of anything thrown, for wrapping foreign errors. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
