import { describe, expect, it } from 'vitest';
import { parseSecretsFile, secretsFileProblems } from '../../../src/config/secrets-file.js';

describe('parseSecretsFile', () => {
  it('reads KEY=VALUE and export KEY="VALUE" lines, dropping quotes and surrounding blanks', () => {
    const text = [
      '# long-lived tokens',
      'CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat01-abc',
      'export GH_TOKEN="ghp_123"',
      "export  GEMINI_API_KEY = 'AIza-x'  ",
      '',
      '   # indented comment',
      'EMPTY=',
      'WITH_EQUALS=a=b=c',
    ].join('\n');
    expect(parseSecretsFile(text)).toEqual([
      { key: 'CLAUDE_CODE_OAUTH_TOKEN', value: 'sk-ant-oat01-abc' },
      { key: 'GH_TOKEN', value: 'ghp_123' },
      { key: 'GEMINI_API_KEY', value: 'AIza-x' },
      { key: 'EMPTY', value: '' },
      { key: 'WITH_EQUALS', value: 'a=b=c' },
    ]);
  });

  it('skips what is not an assignment and handles CRLF', () => {
    expect(parseSecretsFile('not a line\r\n1BAD=x\r\nGOOD=y\r\n')).toEqual([{ key: 'GOOD', value: 'y' }]);
  });

  it('keeps mismatched quotes as they are', () => {
    expect(parseSecretsFile(`A="x'`)).toEqual([{ key: 'A', value: `"x'` }]);
  });
});

describe('secretsFileProblems', () => {
  it('names the lines the container would skip, by number', () => {
    const text = [
      '# ok',
      '',
      'GOOD=1',
      'export ALSO_GOOD="x"',
      'GH_TOKEN ghp_123',
      '1BAD=x',
      'bad-name=x',
      '  # indented',
    ].join('\n');
    expect(secretsFileProblems(text)).toEqual([
      { line: 5, message: 'ignored, expected KEY=VALUE' },
      { line: 6, message: 'ignored, not a variable name' },
      { line: 7, message: 'ignored, not a variable name' },
    ]);
  });

  it('finds none in a clean file', () => {
    expect(secretsFileProblems('A=1\r\nexport B=2\r\n')).toEqual([]);
  });
});
