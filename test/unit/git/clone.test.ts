import { describe, expect, it } from 'vitest';
import { parseRemoteSource } from '../../../src/git/clone.js';

const nothingExists = () => false;

describe('parseRemoteSource', () => {
  it('reads https, ssh, file and scp-like URLs', () => {
    expect(parseRemoteSource('https://github.com/me/app.git', nothingExists)).toEqual({
      url: 'https://github.com/me/app.git',
      parts: ['github.com', 'me', 'app'],
      name: 'app',
    });
    expect(parseRemoteSource('git@gitlab.com:group/sub/app.git', nothingExists)).toEqual({
      url: 'git@gitlab.com:group/sub/app.git',
      parts: ['gitlab.com', 'group', 'sub', 'app'],
      name: 'app',
    });
    expect(parseRemoteSource('file:///srv/git/tool.git', nothingExists)?.name).toBe('tool');
  });

  it('expands owner/repo to GitHub, unless such a local folder exists', () => {
    expect(parseRemoteSource('me/app', nothingExists)?.url).toBe('https://github.com/me/app.git');
    expect(parseRemoteSource('me/app', () => true)).toBeUndefined();
  });

  it('leaves local paths alone', () => {
    for (const local of ['.', './repo', '../x/y', '/abs/path', 'repo']) {
      expect(parseRemoteSource(local, nothingExists), local).toBeUndefined();
    }
  });
});
