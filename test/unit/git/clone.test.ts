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

  it('GitHub shorthand only as gh:owner/repo or github.com/owner/repo, and only when no such path exists', () => {
    for (const short of [
      'gh:me/app',
      'github.com/me/app',
      'github.com/me/app.git',
      'www.github.com/me/app/',
    ]) {
      expect(parseRemoteSource(short, nothingExists), short).toEqual({
        url: 'https://github.com/me/app.git',
        parts: ['github.com', 'me', 'app'],
        name: 'app',
      });
    }
    expect(parseRemoteSource('github.com/me/app', () => true)).toBeUndefined();
    // A bare owner/repo is a (maybe mistyped) path, never a clone.
    expect(parseRemoteSource('me/app', nothingExists)).toBeUndefined();
    expect(parseRemoteSource('no-such-dir/sub', nothingExists)).toBeUndefined();
  });

  it('scp-like only with a user@ or a dotted host: never a bare word:word', () => {
    expect(parseRemoteSource('git@host:o/r', nothingExists)?.parts).toEqual(['host', 'o', 'r']);
    expect(parseRemoteSource('git.example.com:o/r.git', nothingExists)?.parts).toEqual([
      'git.example.com',
      'o',
      'r',
    ]);
    expect(parseRemoteSource('notes:todo', nothingExists)).toBeUndefined();
    expect(parseRemoteSource('C:\\src\\app', nothingExists)).toBeUndefined();
  });

  it('leaves local paths alone', () => {
    for (const local of ['.', './repo', '../x/y', '/abs/path', 'repo']) {
      expect(parseRemoteSource(local, nothingExists), local).toBeUndefined();
    }
  });
});
