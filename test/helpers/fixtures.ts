import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LaunchResult } from '../../src/core/launch.js';
import { testBaseImage } from '../setup/global-engine.js';

/** Fixture repos and homes belong to this uid: non-root and not 1000, as the launch e2e asks. */
export const FIXTURE_UID = 1234;
export const FIXTURE_GID = 1234;

export const FAKE_SECRETS = {
  CLAUDE_CODE_OAUTH_TOKEN: 'fake-claude-oauth-token-7f3a9c',
  CODEX_API_KEY: 'fake-codex-api-key-2b8e4d',
  COPILOT_GITHUB_TOKEN: 'fake-copilot-token-9d1c6a',
  GEMINI_API_KEY: 'fake-gemini-api-key-4e7b2f',
  FAKE_SECRET_QUOTED: 'quoted value with spaces',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'safe.directory=*', ...args], { cwd, encoding: 'utf8' }).trim();
}

/** git as the fixture's owner, as the user of the repo would run it (root's git would leave root-owned files). */
export function ownerGit(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    uid: FIXTURE_UID,
    gid: FIXTURE_GID,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir() },
  }).trim();
}

export interface Fixture {
  dir: string;
  repo: string;
  home: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/**
 * A temp dir with `repo/`: two commits, then uncommitted work of every kind (modified, staged,
 * untracked, deleted), an ignored .env, a symlink leading outside, and a file only its owner
 * can read; and `home/`: fake logins for every agent and a secrets file. All owned by FIXTURE_UID.
 */
export function makeFixture(name = 'demo-repo'): Fixture {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'la-e2e-'));
  const repo = path.join(dir, name);
  const home = path.join(dir, 'home');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'config', 'user.name', 'Fixture Dev');
  git(repo, 'config', 'user.email', 'dev@example.com');
  git(repo, 'remote', 'add', 'origin', 'https://example.com/acme/demo-repo.git');
  writeFileSync(path.join(repo, 'README.md'), '# demo\n');
  writeFileSync(path.join(repo, '.gitignore'), '.env\nnode_modules/\n');
  writeFileSync(path.join(repo, 'tracked.txt'), 'one\n');
  writeFileSync(path.join(repo, 'to-delete.txt'), 'bye\n');
  writeFileSync(path.join(repo, 'run.sh'), '#!/bin/sh\necho run\n');
  chmodSync(path.join(repo, 'run.sh'), 0o755);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'first');
  writeFileSync(path.join(repo, 'tracked.txt'), 'one\ntwo\n');
  git(repo, 'commit', '-q', '-am', 'second');
  // Uncommitted work of every kind.
  writeFileSync(path.join(repo, 'tracked.txt'), 'one\ntwo\nmodified\n');
  writeFileSync(path.join(repo, 'staged.txt'), 'staged\n');
  git(repo, 'add', 'staged.txt');
  rmSync(path.join(repo, 'to-delete.txt'));
  writeFileSync(path.join(repo, 'untracked.txt'), 'untracked\n');
  writeFileSync(path.join(repo, '.env'), 'IGNORED_SECRET=do-not-copy\n');
  mkdirSync(path.join(repo, 'node_modules'));
  writeFileSync(path.join(repo, 'node_modules', 'x.js'), '1\n');
  symlinkSync('/etc/hostname', path.join(repo, 'outside-link'));
  writeFileSync(path.join(repo, 'private.txt'), 'owner only\n', { mode: 0o600 });

  mkdirSync(path.join(home, '.claude'), { recursive: true });
  writeFileSync(
    path.join(home, '.claude', '.credentials.json'),
    '{"claudeAiOauth":{"accessToken":"fake-host-claude-login"}}\n',
  );
  writeFileSync(path.join(home, '.claude.json'), '{"userID":"fixture","theme":"dark"}\n');
  mkdirSync(path.join(home, '.codex'));
  writeFileSync(
    path.join(home, '.codex', 'auth.json'),
    '{"OPENAI_API_KEY":null,"tokens":{"access_token":"fake-host-codex-login"}}\n',
  );
  mkdirSync(path.join(home, '.copilot'));
  writeFileSync(path.join(home, '.copilot', 'config.json'), '{"banner":"never"}\n');
  mkdirSync(path.join(home, '.config', 'gh'), { recursive: true });
  writeFileSync(
    path.join(home, '.config', 'gh', 'hosts.yml'),
    'github.com:\n    oauth_token: fake-host-gh-login\n    user: fixture\n',
  );
  mkdirSync(path.join(home, '.gemini'));
  writeFileSync(
    path.join(home, '.gemini', 'oauth_creds.json'),
    '{"refresh_token":"fake-host-gemini-login"}\n',
  );
  writeFileSync(path.join(home, '.gemini', 'settings.json'), '{"ui":{"theme":"Default"}}\n');
  mkdirSync(path.join(home, '.config', 'launch-agent'), { recursive: true });
  const secrets = [
    '# fake secrets for the e2e tests',
    `CLAUDE_CODE_OAUTH_TOKEN=${FAKE_SECRETS.CLAUDE_CODE_OAUTH_TOKEN}`,
    `export CODEX_API_KEY=${FAKE_SECRETS.CODEX_API_KEY}`,
    `COPILOT_GITHUB_TOKEN='${FAKE_SECRETS.COPILOT_GITHUB_TOKEN}'`,
    `export GEMINI_API_KEY="${FAKE_SECRETS.GEMINI_API_KEY}"`,
    `FAKE_SECRET_QUOTED="${FAKE_SECRETS.FAKE_SECRET_QUOTED}"`,
    '',
  ].join('\n');
  writeFileSync(path.join(home, '.config', 'launch-agent', 'secrets.env'), secrets, { mode: 0o600 });
  // Root runs the tests on a repo owned by someone else: git needs to be told that is fine.
  writeFileSync(path.join(home, '.gitconfig'), '[safe]\n\tdirectory = *\n');
  chownTree(dir, FIXTURE_UID, FIXTURE_GID);

  return {
    dir,
    repo,
    home,
    env: {
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function chownTree(dir: string, uid: number, gid: number): void {
  execFileSync('chown', ['-R', '-h', `${uid}:${gid}`, dir]);
}

export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trim();
}

/** `docker exec` as the container's own user, through the entrypoint (secrets loaded). */
export function dockerExec(container: string, script: string): string {
  return docker(
    'exec',
    '-w',
    '/workspace',
    container,
    '/usr/local/bin/launch-agent-entrypoint',
    'sh',
    '-c',
    script,
  );
}

/** Names of our containers and volumes, to prove a failed launch left nothing behind. */
export function ourObjects(): { containers: string[]; volumes: string[] } {
  const containers = docker(
    'ps',
    '-a',
    '--filter',
    'label=dev.launch-agent.managed=true',
    '--format',
    '{{.Names}}',
  );
  const volumes = docker(
    'volume',
    'ls',
    '--filter',
    'label=dev.launch-agent.managed=true',
    '--format',
    '{{.Name}}',
  );
  return {
    containers: containers.split('\n').filter(Boolean).sort(),
    volumes: volumes.split('\n').filter(Boolean).sort(),
  };
}

export function removeContainer(name: string): void {
  try {
    const volume = docker('inspect', '--format', '{{index .Config.Labels "dev.launch-agent.volume"}}', name);
    docker('rm', '-f', name);
    if (volume) docker('volume', 'rm', '-f', volume);
  } catch {
    // already gone
  }
}

/** What `launch-agent … --json` prints. */
export type Launched = LaunchResult & { vscodeUri: string };

/** The CLI's environment for a fixture: its HOME, and the locally made base image. */
export function launchEnv(fixture: Fixture): NodeJS.ProcessEnv {
  return { ...fixture.env, LAUNCH_AGENT_BASE_IMAGE: testBaseImage() };
}
