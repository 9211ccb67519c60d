import { PassThrough } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { forgetSecrets, Logger, maskJson, maskSecrets, registerSecret } from '../../../src/cli/logger.js';
import { Progress } from '../../../src/cli/progress.js';

function captured(options: { verbose?: boolean; json?: boolean } = {}) {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const logger = new Logger({ ...options, stream });
  return { logger, text: () => text };
}

beforeEach(() => forgetSecrets());

describe('Logger', () => {
  it('shares the secrets of the process: main.ts masks errors with the same set', () => {
    const { logger } = captured();
    logger.addSecret('from-a-logger');
    registerSecret('from-elsewhere');
    expect(maskSecrets('from-a-logger from-elsewhere')).toBe('******** ********');
    expect(new Logger().mask('from-elsewhere')).toBe('********');
  });

  it('masks every registered secret in every kind of line, every time it occurs', () => {
    const { logger, text } = captured({ verbose: true });
    logger.addSecret('sk-ant-oat01-abcdef');
    logger.addSecret('ghp_123456');
    logger.info('token sk-ant-oat01-abcdef and again sk-ant-oat01-abcdef');
    logger.warn('gh says ghp_123456');
    logger.debug('env GH_TOKEN=ghp_123456 CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat01-abcdef');
    expect(text()).toBe(
      [
        'token ******** and again ********',
        'warning: gh says ********',
        'debug: env GH_TOKEN=******** CLAUDE_CODE_OAUTH_TOKEN=********',
        '',
      ].join('\n'),
    );
  });

  it('masks a secret that contains another one whole, whatever order they came in', () => {
    const { logger } = captured();
    logger.addSecret('abcd');
    logger.addSecret('abcdefgh');
    expect(logger.mask('x abcdefgh y abcd z')).toBe('x ******** y ******** z');
  });

  it('masks JSON value by value, so the document stays valid', () => {
    registerSecret('tok-123456');
    const doc = {
      error: { message: 'bad tok-123456', flags: ['x', 'tok-123456'], count: 3, ok: true, none: null },
      when: new Date(0),
    };
    expect(JSON.parse(JSON.stringify(maskJson(doc)))).toEqual({
      error: { message: 'bad ********', flags: ['x', '********'], count: 3, ok: true, none: null },
      when: '1970-01-01T00:00:00.000Z',
    });
  });

  it('treats secrets as text, not patterns', () => {
    const { logger } = captured();
    logger.addSecret('a.b*c(d)$');
    expect(logger.mask('a.b*c(d)$ axbbc(d)$')).toBe('******** axbbc(d)$');
  });

  it('ignores undefined and values under 4 characters, which would blank out ordinary words', () => {
    const { logger } = captured();
    logger.addSecret(undefined);
    logger.addSecret('');
    logger.addSecret('abc');
    expect(logger.mask('abc is fine')).toBe('abc is fine');
  });

  it('writes debug lines only with --verbose', () => {
    const quiet = captured();
    quiet.logger.debug('hidden');
    quiet.logger.info('shown');
    expect(quiet.text()).toBe('shown\n');
    const loud = captured({ verbose: true });
    loud.logger.debug('details');
    expect(loud.text()).toBe('debug: details\n');
  });

  it('defaults to stderr, never stdout', () => {
    expect(new Logger().stream).toBe(process.stderr);
  });
});

describe('Progress without a TTY', () => {
  it('prints masked step lines only with --verbose, with timings', async () => {
    const { logger, text } = captured({ verbose: true });
    logger.addSecret('supersecret');
    using progress = await Progress.create(logger, { interactive: false });
    progress.report({ step: 'copy', message: 'copying with supersecret', state: 'start' });
    progress.report({ step: 'copy', message: 'copied supersecret', state: 'done' });
    expect(text()).toMatch(/^debug: copy: copying with \*{8}\ndebug: copy: copied \*{8} \(\d+ ms\)\n$/);
  });

  it('is silent without --verbose', async () => {
    const { logger, text } = captured();
    using progress = await Progress.create(logger, { interactive: false });
    progress.report({ step: 'copy', message: 'copying', state: 'start' });
    progress.report({ step: 'copy', message: 'copied', state: 'done' });
    expect(text()).toBe('');
  });
});
