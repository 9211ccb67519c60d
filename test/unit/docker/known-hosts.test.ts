import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkHostKey, knownHostsName } from '../../../src/docker/known-hosts.js';

const key = randomBytes(51);
const other = randomBytes(51);
const b64 = (k: Buffer) => k.toString('base64');
const hashed = (name: string) => {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

describe('knownHostsName', () => {
  it('is the bare host on port 22, [host]:port elsewhere', () => {
    expect(knownHostsName('build.example', 22)).toBe('build.example');
    expect(knownHostsName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
  });
});

describe('checkHostKey', () => {
  it('knows a host listed with this key, plain or among several names', () => {
    expect(checkHostKey([`build.example ssh-ed25519 ${b64(key)}`], 'build.example', 22, key)).toBe('known');
    expect(
      checkHostKey(
        [`a.example,build.example,10.0.0.5 ssh-ed25519 ${b64(key)} me@laptop`],
        'build.example',
        22,
        key,
      ),
    ).toBe('known');
  });

  it('matches the port form off port 22, and only that', () => {
    const text = `[build.example]:2222 ssh-ed25519 ${b64(key)}`;
    expect(checkHostKey([text], 'build.example', 2222, key)).toBe('known');
    expect(checkHostKey([text], 'build.example', 22, key)).toBe('unknown');
  });

  it('reads hashed entries', () => {
    expect(
      checkHostKey([`${hashed('build.example')} ssh-ed25519 ${b64(key)}`], 'build.example', 22, key),
    ).toBe('known');
    expect(checkHostKey([`${hashed('[h]:2200')} ssh-ed25519 ${b64(key)}`], 'h', 2200, key)).toBe('known');
    expect(
      checkHostKey([`${hashed('other.example')} ssh-ed25519 ${b64(key)}`], 'build.example', 22, key),
    ).toBe('unknown');
  });

  it('says changed when the host is listed only with other keys', () => {
    expect(checkHostKey([`build.example ssh-ed25519 ${b64(other)}`], 'build.example', 22, key)).toBe(
      'changed',
    );
    // Another entry with the right key wins (hosts may have several key types).
    const both = `build.example ssh-rsa ${b64(other)}\nbuild.example ssh-ed25519 ${b64(key)}`;
    expect(checkHostKey([both], 'build.example', 22, key)).toBe('known');
  });

  it('honours wildcards and negations', () => {
    expect(checkHostKey([`*.example ssh-ed25519 ${b64(key)}`], 'build.example', 22, key)).toBe('known');
    expect(checkHostKey([`build?.example ssh-ed25519 ${b64(key)}`], 'build1.example', 22, key)).toBe('known');
    expect(checkHostKey([`*.example,!build.example ssh-ed25519 ${b64(key)}`], 'build.example', 22, key)).toBe(
      'unknown',
    );
  });

  it('refuses a revoked key and ignores cert-authority lines, comments and blanks', () => {
    const text = [
      '# comment',
      '',
      `@cert-authority *.example ssh-ed25519 ${b64(other)}`,
      `@revoked * ssh-ed25519 ${b64(key)}`,
      `build.example ssh-ed25519 ${b64(key)}`,
    ].join('\n');
    expect(checkHostKey([text], 'build.example', 22, key)).toBe('revoked');
    expect(checkHostKey([text], 'build.example', 22, other)).toBe('changed');
  });

  it('reads every file given (user, then system)', () => {
    expect(checkHostKey(['', `build.example ssh-ed25519 ${b64(key)}`], 'build.example', 22, key)).toBe(
      'known',
    );
    expect(checkHostKey(['', ''], 'build.example', 22, key)).toBe('unknown');
  });
});
