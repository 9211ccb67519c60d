import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tarStream from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import { claude } from '../../../../src/agents/claude.js';
import { codex } from '../../../../src/agents/codex.js';
import type { AuthLocation } from '../../../../src/agents/types.js';
import type { HostFacts } from '../../../../src/config/paths.js';
import { addHome } from '../../../../src/core/home.js';
import {
  keychainLogin,
  type ProgramRunner,
  readKeychainLogin,
} from '../../../../src/core/launch/keychain.js';
import type { LaunchPlan } from '../../../../src/core/plan.js';
import { OwnedTar } from '../../../../src/workspace/tar.js';

const SECRET = '{"claudeAiOauth":{"accessToken":"sk-ant-oat01-keychain","refreshToken":"r"}}';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function mac(env: NodeJS.ProcessEnv = {}): HostFacts {
  const cache = mkdtempSync(path.join(os.tmpdir(), 'la-keychain-'));
  dirs.push(cache);
  return { platform: 'darwin', homedir: '/Users/dev', env: { LAUNCH_AGENT_CACHE_DIR: cache, ...env } };
}

/** Records every call; answers like `security` does. */
function runner(answer: { exitCode: number; stdout?: string; stderr?: string }) {
  const calls: Array<[string, string[]]> = [];
  const run: ProgramRunner = async (file, args) => {
    calls.push([file, args]);
    return { stdout: '', stderr: '', ...answer };
  };
  return { run, calls };
}

describe('readKeychainLogin', () => {
  it('reads the item with security -w when the credential file is missing, as that file', async () => {
    const { run, calls } = runner({ exitCode: 0, stdout: `${SECRET}\n` });
    const outcome = await readKeychainLogin({ agent: claude, host: mac(), auth: 'ro', found: [], run });
    expect(calls).toEqual([['security', ['find-generic-password', '-s', 'Claude Code-credentials', '-w']]]);
    expect(outcome).toEqual({
      login: { item: 'Claude Code-credentials', homePath: '.claude/.credentials.json', text: `${SECRET}\n` },
    });
  });

  it('leaves the Keychain alone when the file exists, with --auth none, off macOS, or for agents without an item', async () => {
    const { run, calls } = runner({ exitCode: 0, stdout: SECRET });
    const host = mac();
    const file: AuthLocation = {
      hostPath: '/Users/dev/.claude/.credentials.json',
      homePath: '.claude/.credentials.json',
      kind: 'file',
      credentialFiles: ['.'],
    };
    expect(await readKeychainLogin({ agent: claude, host, auth: 'ro', found: [file], run })).toEqual({});
    expect(await readKeychainLogin({ agent: claude, host, auth: 'none', found: [], run })).toEqual({});
    const linux: HostFacts = { ...host, platform: 'linux', homedir: '/home/dev' };
    expect(await readKeychainLogin({ agent: claude, host: linux, auth: 'ro', found: [], run })).toEqual({});
    expect(await readKeychainLogin({ agent: codex, host, auth: 'ro', found: [], run })).toEqual({});
    expect(calls).toEqual([]);
  });

  it('follows CLAUDE_CONFIG_DIR: a credential file there counts as present', async () => {
    const { run, calls } = runner({ exitCode: 0, stdout: SECRET });
    const host = mac({ CLAUDE_CONFIG_DIR: '/Volumes/cfg' });
    const moved: AuthLocation = {
      hostPath: '/Volumes/cfg/.credentials.json',
      homePath: '.claude/.credentials.json',
      kind: 'file',
      credentialFiles: ['.'],
    };
    expect(await readKeychainLogin({ agent: claude, host, auth: 'ro', found: [moved], run })).toEqual({});
    expect(calls).toEqual([]);
  });

  it('is quiet when no keychain holds the item (exit 44)', async () => {
    const { run } = runner({
      exitCode: 44,
      stderr: 'security: SecKeychainSearchCopyNext: The specified item could not be found in the keychain.',
    });
    expect(await readKeychainLogin({ agent: claude, host: mac(), auth: 'ro', found: [], run })).toEqual({});
  });

  it('warns when the read fails (the user denied it, security is missing)', async () => {
    const denied = runner({ exitCode: 51, stderr: 'User interaction is not allowed.\n' });
    const outcome = await readKeychainLogin({
      agent: claude,
      host: mac(),
      auth: 'ro',
      found: [],
      run: denied.run,
    });
    expect(outcome.login).toBeUndefined();
    expect(outcome.warning).toMatch(
      /Keychain \(item `Claude Code-credentials`, security exited 51: User interaction is not allowed\.\)/,
    );
    const missing: ProgramRunner = async () => {
      throw new Error('spawn security ENOENT');
    };
    const outcome2 = await readKeychainLogin({
      agent: claude,
      host: mac(),
      auth: 'ro',
      found: [],
      run: missing,
    });
    expect(outcome2.warning).toMatch(/security exited -1: Error: spawn security ENOENT/);
  });
});

describe('keychainLogin (the launch step)', () => {
  it('says where the login came from, and the refresh note only the first time', async () => {
    const host = mac();
    const said: string[] = [];
    const { run } = runner({ exitCode: 0, stdout: SECRET });
    const first = await keychainLogin(claude, {}, [], { host, runProgram: run }, (m) => said.push(m));
    expect(first?.text).toBe(`${SECRET}\n`);
    expect(said).toHaveLength(2);
    expect(said[0]).toContain('login read from the macOS Keychain (item `Claude Code-credentials`)');
    expect(said[1]).toMatch(/cannot write back to the Keychain.*claude setup-token.*CLAUDE_CODE_OAUTH_TOKEN/);
    said.length = 0;
    await keychainLogin(claude, {}, [], { host, runProgram: run }, (m) => said.push(m));
    expect(said).toHaveLength(1);
    // --auth rw promises refreshes reach the host: with the Keychain it cannot, so it says so each time.
    said.length = 0;
    await keychainLogin(claude, { auth: 'rw' }, [], { host, runProgram: run }, (m) => said.push(m));
    expect(said[1]).toContain('(--auth rw cannot either)');
  });

  it('never puts the secret in what it says', async () => {
    const said: string[] = [];
    const { run } = runner({ exitCode: 0, stdout: SECRET });
    await keychainLogin(claude, {}, [], { host: mac(), runProgram: run }, (m) => said.push(m));
    expect(said.join('\n')).not.toContain('sk-ant-oat01-keychain');
  });
});

describe('addHome with a Keychain login', () => {
  it('writes it at the credential file place in the home, mode 600, owned by the agent', async () => {
    const tar = new OwnedTar({ uid: 501, gid: 20 });
    const entries: Array<{ name: string; mode: number; uid: number; body: string }> = [];
    const extract = tarStream.extract();
    extract.on('entry', (header, stream, next) => {
      let body = '';
      stream.on('data', (d: unknown) => {
        body += String(d);
      });
      stream.on('end', () => {
        entries.push({ name: header.name, mode: header.mode ?? 0, uid: header.uid ?? -1, body });
        next();
      });
    });
    const done = new Promise<void>((resolve) => extract.on('finish', () => resolve()));
    tar.pack.pipe(extract);
    const plan = { homeCopies: [], authLinks: [], mounts: [], deliveries: [] } as unknown as LaunchPlan;
    await addHome(tar, {
      prefix: 'home/agent',
      agent: claude,
      plan,
      logins: [{ homePath: '.claude/.credentials.json', text: `${SECRET}\n` }],
    });
    tar.finish();
    await done;
    const login = entries.find((e) => e.name === 'home/agent/.claude/.credentials.json');
    expect(login).toEqual({
      name: 'home/agent/.claude/.credentials.json',
      mode: 0o600,
      uid: 501,
      body: `${SECRET}\n`,
    });
  });
});
