import { describe, expect, it } from 'vitest';
import { parseSecretsFile } from '../../../src/config/secrets-file.js';

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
