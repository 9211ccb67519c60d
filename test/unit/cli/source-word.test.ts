import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/main.js';
import { checkSourceWord } from '../../../src/cli/source-word.js';

const commands = [
  'help',
  ...buildProgram()
    .commands.filter((c) => !c.name().startsWith('__'))
    .flatMap((c) => [c.name(), ...c.aliases()]),
];
const none = () => false;
const failure = (word: string, exists: (p: string) => boolean = none) => {
  try {
    checkSourceWord(word, commands, exists);
  } catch (error) {
    const e = error as { code: string; message: string; hint?: string };
    return { code: e.code, message: e.message, hint: e.hint };
  }
  return undefined;
};

describe('the SOURCE word', () => {
  it('an existing path or an unambiguous URL passes', () => {
    expect(failure('lis', (p) => p === 'lis')).toBeUndefined();
    for (const url of [
      'https://h/o/r.git',
      'ssh://git@h/o/r',
      'file:///srv/r.git',
      'git@h:o/r',
      'gh:o/r',
      'github.com/o/r',
    ]) {
      expect(failure(url), url).toBeUndefined();
    }
  });

  it('a near-miss of a command: did you mean, exit as a usage error', () => {
    expect(failure('lis')).toEqual({
      code: 'USAGE',
      message: 'unknown command `lis`',
      hint: 'did you mean `launch-agent list`? (`launch-agent help` lists the commands)',
    });
    expect(failure('atach')?.hint).toContain('`launch-agent attach`');
    expect(failure('hlep')?.hint).toContain('`launch-agent help`');
  });

  it('a missing owner/repo is a missing folder, with how to name GitHub', () => {
    expect(failure('no-such-dir/sub')).toEqual({
      code: 'SOURCE_NOT_FOUND',
      message: 'no such folder: no-such-dir/sub',
      hint: 'for the GitHub repository write gh:no-such-dir/sub or github.com/no-such-dir/sub',
    });
  });

  it('a path-shaped word is left to the launch (it translates Windows and WSL paths); a bare word is said plainly', () => {
    for (const path of [
      './nope',
      '/abs/nope',
      'deep/er/nope',
      'C:\\src\\repo',
      '\\\\wsl$\\Ubuntu\\x',
      '~/x',
      '.hidden',
    ]) {
      expect(failure(path), path).toBeUndefined();
    }
    expect(failure('zzzzzz')).toMatchObject({
      code: 'SOURCE_NOT_FOUND',
      message: '`zzzzzz` is neither a command nor a folder',
    });
  });
});
