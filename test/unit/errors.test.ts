import { describe, expect, it } from 'vitest';
import { type ErrorCode, ExitCode, isLaunchError, LaunchError, messageOf } from '../../src/errors.js';

describe('exit codes', () => {
  it('keep their documented numbers (docs/commands.md "Exit codes")', () => {
    expect(ExitCode).toEqual({
      ok: 0,
      failure: 1,
      usage: 2,
      engine: 3,
      notFound: 4,
      conflict: 5,
      build: 6,
      timeout: 124,
      interrupted: 130,
    });
  });

  it.each([
    ['USAGE', 2],
    ['CONFIG_INVALID', 2],
    ['REPO_NOT_GIT', 2],
    ['AGENT_UNKNOWN', 2],
    ['CONTAINER_AMBIGUOUS', 2],
    ['ENGINE_UNREACHABLE', 3],
    ['ENGINE_ERROR', 3],
    ['SOURCE_NOT_FOUND', 4],
    ['CONTAINER_NOT_FOUND', 4],
    ['IMAGE_MISSING', 4],
    ['FILE_NOT_FOUND', 4],
    ['NAME_IN_USE', 5],
    ['AGENT_NOT_RUNNING', 5],
    ['TIMEOUT', 124],
    ['CONTAINER_NOT_RUNNING', 5],
    ['UNPUSHED_WORK', 5],
    ['IMAGE_BUILD_FAILED', 6],
    ['CLONE_FAILED', 1],
    ['COMMAND_FAILED', 1],
    ['CHECKS_FAILED', 1],
    ['INTERNAL', 1],
    ['INTERRUPTED', 130],
  ] as Array<[ErrorCode, number]>)('%s exits %i', (code, exitCode) => {
    expect(new LaunchError(code, 'x').exitCode).toBe(exitCode);
  });
});

describe('LaunchError', () => {
  it('carries code, message, hint, cause and details', () => {
    const cause = new Error('ENOENT');
    const error = new LaunchError('FILE_NOT_FOUND', 'secrets file not found: /x', {
      hint: 'create it',
      cause,
      details: { file: '/x' },
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'LaunchError',
      code: 'FILE_NOT_FOUND',
      message: 'secrets file not found: /x',
      hint: 'create it',
      details: { file: '/x' },
      reported: false,
    });
    expect(error.cause).toBe(cause);
    expect(isLaunchError(error)).toBe(true);
    expect(isLaunchError(cause)).toBe(false);
  });

  it('takes an explicit exit code (e.g. the exit code of a command run in the container)', () => {
    expect(new LaunchError('COMMAND_FAILED', 'x', { exitCode: 42 }).exitCode).toBe(42);
  });

  it('has no cause property unless given one', () => {
    expect('cause' in new LaunchError('USAGE', 'x')).toBe(false);
  });

  it('can say its result was already printed', () => {
    expect(new LaunchError('CHECKS_FAILED', 'x', { reported: true }).reported).toBe(true);
  });
});

describe('messageOf', () => {
  it('reads the message of anything thrown', () => {
    expect(messageOf(new TypeError('bad'))).toBe('bad');
    expect(messageOf('plain')).toBe('plain');
    expect(messageOf(42)).toBe('42');
    expect(messageOf(undefined)).toBe('undefined');
  });
});
