import { describe, expect, it } from 'vitest';
import { containerName, dockerSafe, shortId, validateFeature } from '../../../src/core/names.js';

describe('names', () => {
  it('makes docker-safe lowercase names', () => {
    expect(dockerSafe('My Repo!!')).toBe('my-repo');
    expect(dockerSafe('...')).toBe('repo');
    expect(dockerSafe('feat/login_v2')).toBe('feat-login_v2');
    expect(containerName('codex', 'Web.App', 'feat/x')).toBe('codex-web.app-feat-x');
  });

  it('validates features as git ref parts', () => {
    expect(validateFeature('fix-login')).toBe('fix-login');
    expect(validateFeature('team/fix')).toBe('team/fix');
    for (const bad of [
      '',
      'a..b',
      'x.lock',
      '-x',
      'a b',
      'a~1',
      'a:b',
      'a\u0001b',
      'end/',
      'a//b',
      'a@{1}',
    ]) {
      expect(() => validateFeature(bad), bad).toThrow(/--branch/);
    }
  });

  it('makes 6-character base-36 ids, distinct across calls', () => {
    const ids = new Set(Array.from({ length: 200 }, () => shortId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{6}$/);
  });
});
