import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRepoConfig } from '../../../src/config/repo-config.js';
import { readUserConfig } from '../../../src/config/user-config.js';
import { loadMcpConfig } from '../../../src/mcp/load.js';

let dir: string;
const write = (rel: string, text: string) => {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
};
const host = () => ({
  env: { LAUNCH_AGENT_CONFIG_DIR: path.join(dir, 'user') },
  platform: 'linux' as const,
  homedir: dir,
});

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'la-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the repo's config file", () => {
  it('.launch-agent/config.toml is the place', async () => {
    const file = write('repo/.launch-agent/config.toml', '[mcp_servers.a]\ncommand = "x"\n');
    expect(await findRepoConfig(path.join(dir, 'repo'))).toMatchObject({ file });
  });

  it('a root config.toml is read only when it has [mcp_servers]', async () => {
    const repo = path.join(dir, 'repo');
    write('repo/config.toml', 'baseURL = "https://example.org/"\ntitle = "a Hugo site"\n[params]\nx = 1\n');
    expect(await findRepoConfig(repo)).toBeUndefined();
    write('repo/config.toml', 'title = "x"\n\n[mcp_servers.a]\ncommand = "x"\n');
    expect((await findRepoConfig(repo))?.file).toBe(path.join(repo, 'config.toml'));
    write('repo/config.toml', 'mcp_servers.a.command = "x"\n');
    expect((await findRepoConfig(repo))?.file).toBe(path.join(repo, 'config.toml'));
  });

  it("another tool's config.toml draws no warning and no error, even when it is not TOML we read", async () => {
    write('repo/config.toml', 'title = "Hugo"\nweird = [\n');
    const loaded = await loadMcpConfig({ host: host(), repoDir: path.join(dir, 'repo') });
    expect(loaded).toEqual({ servers: [], warnings: [], files: [] });
  });

  it('both present: .launch-agent/ wins and the other is named once', async () => {
    write('repo/config.toml', '[mcp_servers.old]\ncommand = "x"\n');
    write('repo/.launch-agent/config.toml', '[mcp_servers.new]\ncommand = "y"\n');
    const loaded = await loadMcpConfig({ host: host(), repoDir: path.join(dir, 'repo') });
    expect(loaded.servers.map((s) => s.name)).toEqual(['new']);
    expect(loaded.warnings).toEqual([
      `${path.join(dir, 'repo', 'config.toml')} is not read: ${path.join(dir, 'repo', '.launch-agent', 'config.toml')} is the repo's config (move its [mcp_servers] there)`,
    ]);
  });

  it('a folder given as a config file says so', async () => {
    await expect(loadMcpConfig({ host: host(), files: [dir] })).rejects.toMatchObject({
      code: 'USAGE',
      message: `${dir} is a folder, not a config file`,
    });
  });
});

describe("the user's config.toml settings", () => {
  it('TOML errors carry file:line:col', async () => {
    const file = write('user/config.toml', 'default_agent = "codex"\n[defaults]\nmemory = \n');
    await expect(readUserConfig(host())).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: `${file}:3:10: invalid TOML: invalid value`,
    });
  });

  it('[defaults] values are checked here, named by key and place, never blamed on a flag', async () => {
    const file = write('user/config.toml', '# mine\n[defaults]\ncpus = 2\nmemory = "lots"\n');
    const error = await readUserConfig(host()).catch((e: unknown) => e as { message: string; hint: string });
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID',
      message: `${file}:4:1 defaults.memory must be a size such as 4g, 512m or 2GiB, got \`lots\``,
    });
    expect((error as { message: string }).message).not.toContain('--memory');
    write('user/config.toml', '[defaults]\nnetwork = "host"\n');
    await expect(readUserConfig(host())).rejects.toMatchObject({
      message: `${file}:2:1 defaults.network must be bridge, none, allowlist, got \`host\``,
    });
    write('user/config.toml', '[defaults]\ncpus = 1.5\nmemory = "8g"\npids = 1024\nnetwork = "none"\n');
    expect(await readUserConfig(host())).toEqual({
      cpus: '1.5',
      memory: '8g',
      pids: '1024',
      network: 'none',
    });
  });
});
