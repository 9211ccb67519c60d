import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAllowSources, networkTable } from '../../../src/config/network.js';
import { readUserConfig } from '../../../src/config/user-config.js';
import { LaunchError } from '../../../src/errors.js';

function configError(fn: () => unknown): LaunchError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LaunchError);
    expect((error as LaunchError).code).toBe('CONFIG_INVALID');
    return error as LaunchError;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('networkTable', () => {
  it('reads mode, allow and builtin', () => {
    expect(networkTable({}, 'c.toml')).toEqual({ allow: [] });
    expect(
      networkTable(
        { network: { mode: 'allowlist', allow: ['A.example.com', '*.b.org'], builtin: ['npm'] } },
        'c.toml',
      ),
    ).toEqual({ mode: 'allowlist', allow: ['a.example.com', '*.b.org'], builtin: ['npm'] });
  });

  it('names the file and key of a wrong value', () => {
    expect(configError(() => networkTable({ network: { mode: 'open' } }, 'c.toml')).message).toBe(
      'c.toml network.mode: expected bridge, none, allowlist, got "open"',
    );
    expect(configError(() => networkTable({ network: { allow: 'x.com' } }, 'c.toml')).message).toMatch(
      /^c\.toml network\.allow: expected an array of host names/,
    );
    expect(configError(() => networkTable({ network: { allow: ['x.com:8080'] } }, 'c.toml')).message).toMatch(
      /^c\.toml network\.allow: expected a host name/,
    );
    expect(configError(() => networkTable({ network: { builtin: ['all'] } }, 'c.toml')).message).toMatch(
      /^c\.toml network\.builtin: expected an array of agent, npm, pypi, debian, github/,
    );
    expect(configError(() => networkTable({ network: 'allowlist' }, 'c.toml')).message).toMatch(
      /expected a table/,
    );
  });
});

describe('config files', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'la-network-config-'));
  const host = { env: { LAUNCH_AGENT_CONFIG_DIR: dir }, platform: 'linux' as const, homedir: '/nowhere' };
  const repo = mkdtempSync(path.join(os.tmpdir(), 'la-network-repo-'));

  it('[network] mode is the launch default, over the older [defaults] network', async () => {
    writeFileSync(path.join(dir, 'config.toml'), '[defaults]\nnetwork = "none"\n');
    expect((await readUserConfig(host)).network).toBe('none');
    writeFileSync(
      path.join(dir, 'config.toml'),
      '[defaults]\nnetwork = "none"\n[network]\nmode = "allowlist"\n',
    );
    expect((await readUserConfig(host)).network).toBe('allowlist');
  });

  it("takes hosts from the user's and the repo's files, mode and builtin from the user's only", async () => {
    writeFileSync(path.join(dir, 'config.toml'), '[network]\nallow = ["u.example.com"]\nbuiltin = ["npm"]\n');
    writeFileSync(
      path.join(repo, 'config.toml'),
      '[network]\nmode = "bridge"\nbuiltin = []\nallow = ["r.example.com"]\n',
    );
    const sources = await loadAllowSources(host, repo);
    expect(sources.builtin).toEqual(['npm']);
    expect(sources.configs).toEqual([
      { file: path.join(dir, 'config.toml'), allow: ['u.example.com'] },
      { file: path.join(repo, 'config.toml'), allow: ['r.example.com'] },
    ]);
    expect(sources.warnings).toEqual([
      expect.stringMatching(/network\.mode and network\.builtin are read from your own/),
    ]);
  });
});
