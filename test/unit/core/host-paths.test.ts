import { describe, expect, it } from 'vitest';
import { claude } from '../../../src/agents/claude.js';
import { localSourcePath, pathHostOf, wslDriveNote } from '../../../src/core/host-paths.js';
import { planLaunch } from '../../../src/core/plan.js';
import { attachedConfigFile, vscodeUri } from '../../../src/core/sessions/vscode.js';
import { LaunchError } from '../../../src/errors.js';
import type { RepoFacts } from '../../../src/git/repo.js';

const windows = { platform: 'win32' as const };
const wsl = { platform: 'linux' as const, wslDistro: 'Ubuntu' };
const linux = { platform: 'linux' as const };

function refused(fn: () => unknown): LaunchError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LaunchError);
    return error as LaunchError;
  }
  throw new Error('expected a LaunchError');
}

describe('localSourcePath on Windows (PowerShell, cmd, Git Bash)', () => {
  it('keeps drive paths native, with either slash, any case of drive letter', () => {
    expect(localSourcePath('C:\\src\\repo', windows)).toBe('C:\\src\\repo');
    expect(localSourcePath('c:/src/repo', windows)).toBe('C:\\src\\repo');
    expect(localSourcePath('D:\\My Projects\\app\\', windows)).toBe('D:\\My Projects\\app\\');
  });

  it("turns Git Bash's /c/src/repo into C:\\src\\repo", () => {
    expect(localSourcePath('/c/src/repo', windows)).toBe('C:\\src\\repo');
    expect(localSourcePath('/d', windows)).toBe('D:\\');
  });

  it('leaves relative paths alone (resolved against the current folder later)', () => {
    expect(localSourcePath('.', windows)).toBe('.');
    expect(localSourcePath('..\\other', windows)).toBe('..\\other');
  });

  it('refuses a WSL share, naming the distro and the command to run there', () => {
    for (const share of [
      '\\\\wsl$\\Ubuntu\\home\\me\\repo',
      '\\\\wsl.localhost\\Ubuntu\\home\\me\\repo',
      '//wsl$/Ubuntu/home/me/repo',
    ]) {
      const error = refused(() => localSourcePath(share, windows));
      expect(error.message).toBe(`${share} is inside the WSL distro Ubuntu`);
      expect(error.hint).toBe(
        'run launch-agent inside that distro, on the Linux path: wsl -d Ubuntu -- launch-agent /home/me/repo',
      );
    }
  });

  it('refuses a network share (UNC), which Docker Desktop cannot bind-mount', () => {
    const error = refused(() => localSourcePath('\\\\fileserver\\team\\repo', windows));
    expect(error.message).toMatch(/network share/);
    expect(error.hint).toMatch(/clone the repository to a local disk/);
    // The \\.\ and \\?\ device prefixes are not shares.
    expect(localSourcePath('\\\\?\\C:\\src\\repo', windows)).toBe('\\\\?\\C:\\src\\repo');
  });
});

describe('localSourcePath inside WSL', () => {
  it("turns this distro's share into its Linux path", () => {
    expect(localSourcePath('\\\\wsl$\\Ubuntu\\home\\me\\repo', wsl)).toBe('/home/me/repo');
    expect(localSourcePath('\\\\wsl.localhost\\ubuntu\\home\\me\\repo\\', wsl)).toBe('/home/me/repo');
    expect(localSourcePath('\\\\wsl$\\Ubuntu', wsl)).toBe('/');
  });

  it("refuses another distro's share", () => {
    expect(refused(() => localSourcePath('\\\\wsl$\\Debian\\srv\\repo', wsl)).hint).toBe(
      'run launch-agent inside that distro, on the Linux path: wsl -d Debian -- launch-agent /srv/repo',
    );
  });

  it('turns a Windows drive path into /mnt/<drive>', () => {
    expect(localSourcePath('C:\\src\\repo', wsl)).toBe('/mnt/c/src/repo');
    expect(localSourcePath('D:/work/', wsl)).toBe('/mnt/d/work');
    expect(localSourcePath('E:', wsl)).toBe('/mnt/e');
  });

  it('says /mnt/<drive> is slow, and nothing about the distro disk or outside WSL', () => {
    expect(wslDriveNote('/mnt/c/src/repo', wsl)).toMatch(
      /Windows drive seen through WSL.*clone the repository into the WSL file system/,
    );
    expect(wslDriveNote('/home/me/repo', wsl)).toBeUndefined();
    expect(wslDriveNote('/mnt/c/src/repo', linux)).toBeUndefined();
  });

  it('reads the distro from WSL_DISTRO_NAME', () => {
    expect(pathHostOf({ platform: 'linux', env: { WSL_DISTRO_NAME: 'Ubuntu-24.04' } })).toEqual({
      platform: 'linux',
      wslDistro: 'Ubuntu-24.04',
    });
    expect(pathHostOf({ platform: 'linux', env: {} }).wslDistro).toBeUndefined();
  });
});

describe('localSourcePath on plain Linux and macOS', () => {
  it('changes nothing (a folder named like C: is a folder)', () => {
    expect(localSourcePath('C:\\src', linux)).toBe('C:\\src');
    expect(localSourcePath('/c/src/repo', { platform: 'darwin' })).toBe('/c/src/repo');
    expect(localSourcePath('//server/share', linux)).toBe('//server/share');
  });
});

describe('the plan on Windows', () => {
  const repo: RepoFacts = {
    root: 'C:\\src\\repo',
    name: 'repo',
    gitDir: 'C:\\src\\repo\\.git',
    commonDir: 'C:\\src\\repo\\.git',
    head: { commit: 'a'.repeat(40), branch: 'main' },
    originUrl: undefined,
    userName: 'Dev',
    userEmail: 'dev@example.com',
    branches: { main: 'a'.repeat(40) },
    owner: { uid: 0, gid: 0 },
  } as RepoFacts;

  it('mounts the native Windows paths (Docker Desktop takes them in HostConfig.Mounts), agent uid 1000', () => {
    const plan = planLaunch({
      options: { source: 'C:\\src\\repo', agent: 'claude', mode: 'detach' },
      agent: claude,
      repo,
      source: { kind: 'local', value: 'C:\\src\\repo' },
      platform: 'win32',
      authFound: [
        {
          hostPath: 'C:\\Users\\me\\.claude\\.credentials.json',
          homePath: '.claude/.credentials.json',
          kind: 'file',
          credentialFiles: ['.'],
        },
      ],
      secretsFile: 'C:\\Users\\me\\AppData\\Roaming\\launch-agent\\secrets.env',
      launcherVersion: '1',
      now: new Date('2026-12-01T00:00:00Z'),
      randomId: 'abc123',
      shareObjects: true,
    });
    expect(plan.user).toEqual({ uid: 1000, gid: 1000 });
    expect(plan.ownerWarning).toBeUndefined();
    expect(plan.mounts.filter((m) => m.type === 'bind').map((m) => [m.source, m.target])).toEqual([
      ['C:\\src\\repo\\.git\\objects', '/run/launch-agent/host-objects'],
      [
        'C:\\Users\\me\\.claude\\.credentials.json',
        '/run/launch-agent/auth/claude/.claude/.credentials.json',
      ],
      ['C:\\Users\\me\\AppData\\Roaming\\launch-agent\\secrets.env', '/run/launch-agent/secrets.env'],
    ]);
  });

  it("keeps VS Code's attached-container config under %APPDATA%, and the URI names the container", () => {
    const host = {
      platform: 'win32' as const,
      homedir: 'C:\\Users\\me',
      env: { APPDATA: 'C:\\Users\\me\\AppData\\Roaming' },
    };
    expect(attachedConfigFile(host, 'claude-repo-abc123')).toBe(
      'C:\\Users\\me\\AppData\\Roaming\\Code\\User\\globalStorage\\ms-vscode-remote.remote-containers\\nameConfigs\\claude-repo-abc123.json',
    );
    const uri = vscodeUri('claude-repo-abc123');
    const hex = /attached-container\+([0-9a-f]+)\/workspace$/.exec(uri)?.[1] ?? '';
    expect(JSON.parse(Buffer.from(hex, 'hex').toString('utf8'))).toEqual({
      containerName: '/claude-repo-abc123',
    });
  });
});
