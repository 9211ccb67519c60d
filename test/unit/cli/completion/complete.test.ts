import { describe, expect, it } from 'vitest';
import { complete, formatCompletion, joinBashWords } from '../../../../src/cli/completion/complete.js';
import { specOf } from '../../../../src/cli/completion/model.js';
import { buildProgram } from '../../../../src/cli/main.js';

const spec = specOf(buildProgram());
const sessions = async () => [
  { value: 'claude-app-fix', description: 'claude, app, running' },
  { value: 'codex-app-x', description: 'codex, app, exited' },
];
const values = async (...words: string[]) => {
  const result = await complete(spec, words, { sessions });
  return { values: result.candidates.map((c) => c.value), directive: result.directive };
};

describe('completion: what TAB offers', () => {
  it('commands (and folders for the SOURCE) at the top, subcommands below', async () => {
    const top = await values('');
    expect(top.values).toEqual(
      expect.arrayContaining(['list', 'ls', 'attach', 'images', 'mcp', 'help', 'version']),
    );
    expect(top.values).not.toContain('__complete');
    expect(top.directive).toBe('dirs');
    expect(await values('lis')).toEqual({ values: ['list'], directive: 'dirs' });
    expect(await values('images', '')).toEqual({
      values: ['build', 'update', 'list', 'prune', 'help'],
      directive: 'none',
    });
    expect((await values('images', 'update', 'c')).values).toEqual(['claude', 'codex', 'copilot']);
    expect(await values('mcp', '')).toEqual({ values: ['convert', 'list', 'help'], directive: 'none' });
  });

  it('a path-like word gets folders only', async () => {
    expect(await values('./sr')).toEqual({ values: [], directive: 'dirs' });
  });

  it("flags of the command in use, long forms, the launch's at the top", async () => {
    expect((await values('--ag')).values).toEqual(['--agent']);
    expect((await values('logs', '-')).values).toEqual([
      '--follow',
      '--tail',
      '--json',
      '--verbose',
      '--help',
    ]);
    expect((await values('list', '--a')).values).toEqual(['--all']);
  });

  it('option values: agents, fixed words, files; nothing where nothing can be offered', async () => {
    expect(await values('--agent', '')).toEqual({
      values: ['claude', 'codex', 'copilot', 'gemini'],
      directive: 'none',
    });
    expect(await values('-a', 'co')).toEqual({ values: ['codex', 'copilot'], directive: 'none' });
    expect((await values('--agent=co')).values).toEqual(['--agent=codex', '--agent=copilot']);
    expect((await values('images', 'build', '-a', 'g')).values).toEqual(['gemini']);
    expect((await values('--network', '')).values).toEqual(['bridge', 'allowlist', 'none']);
    expect((await values('--auth', 'r')).values).toEqual(['ro', 'rw']);
    expect(await values('--secrets', '')).toEqual({ values: [], directive: 'files' });
    expect(await values('mcp', 'convert', '--out', '')).toEqual({ values: [], directive: 'dirs' });
    expect(await values('--memory', '')).toEqual({ values: [], directive: 'none' });
    expect(await values('completion', '')).toEqual({ values: ['bash', 'zsh', 'pwsh'], directive: 'none' });
  });

  it('container names where a command takes one; files only where a path is expected', async () => {
    for (const command of [
      'attach',
      'shell',
      'exec',
      'logs',
      'stats',
      'stop',
      'start',
      'rm',
      'code',
      'port',
    ]) {
      expect(await values(command, ''), command).toEqual({
        values: ['claude-app-fix', 'codex-app-x'],
        directive: 'none',
      });
    }
    expect((await values('rm', 'claude-app-fix', 'co')).values).toEqual(['codex-app-x']);
    expect(await values('port', 'claude-app-fix', '')).toEqual({ values: [], directive: 'none' });
    expect(await values('cp', 'cl')).toEqual({ values: ['claude-app-fix:'], directive: 'files' });
    expect(await values('mcp', 'convert', '')).toEqual({ values: [], directive: 'files' });
    expect((await values('help', 'im')).values).toEqual(['images']);
  });

  it('an engine that fails gives no names, not an error', async () => {
    const result = await complete(spec, ['attach', ''], {
      sessions: () => Promise.reject(new Error('down')),
    });
    expect(result).toEqual({ candidates: [], directive: 'none' });
  });
});

describe('completion protocol', () => {
  it('bash: words split at = and : are joined, and candidates cut to what bash replaces', () => {
    expect(joinBashWords(['--agent', '=', 'co'])).toEqual({ words: ['--agent=co'], trim: '--agent=' });
    expect(joinBashWords(['cp', 'claude', ':', ''])).toEqual({ words: ['cp', 'claude:'], trim: 'claude:' });
    expect(joinBashWords(['list', ''])).toEqual({ words: ['list', ''], trim: '' });
    expect(
      formatCompletion({ candidates: [{ value: '--agent=codex' }], directive: 'none' }, '--agent='),
    ).toBe('codex\n:none');
  });

  it('one candidate a line with its description after a TAB, the directive last', () => {
    expect(
      formatCompletion({
        candidates: [{ value: 'list', description: 'agent containers:\n  theirs' }, { value: 'ls' }],
        directive: 'dirs',
      }),
    ).toBe('list\tagent containers: theirs\nls\n:dirs');
  });
});
