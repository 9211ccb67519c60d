import path from 'node:path';
import { messageOf } from '../../errors.js';
import type { DoctorCheck, DoctorDeps } from './types.js';

/** `git rev-parse --path-format=absolute` (src/git/repo.ts) needs 2.31. */
export const MIN_GIT: readonly [number, number] = [2, 31];

export async function checkGit(deps: DoctorDeps): Promise<DoctorCheck> {
  const result = await deps.run('git', ['--version']).catch((error: unknown) => ({
    exitCode: -1,
    stdout: '',
    stderr: messageOf(error),
  }));
  if (!result) {
    return {
      name: 'git',
      status: 'fail',
      detail: 'git is not on PATH; launches copy and wire repositories with the host git',
      remedy: 'install git (https://git-scm.com/downloads) and make sure `git --version` works in this shell',
    };
  }
  if (result.exitCode !== 0) {
    return {
      name: 'git',
      status: 'fail',
      detail: `\`git --version\` failed: ${(result.stderr || result.stdout).trim() || `exit ${result.exitCode}`}`,
      remedy: 'repair the git installation so `git --version` works in this shell',
    };
  }
  const text = result.stdout.trim();
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  const version = match ? match[0] : text;
  const facts = { version };
  if (match && olderThan([Number(match[1]), Number(match[2])], MIN_GIT)) {
    return {
      name: 'git',
      status: 'fail',
      detail: `git ${version} is too old: launch-agent needs ${MIN_GIT.join('.')} or newer`,
      remedy: 'upgrade git (https://git-scm.com/downloads)',
      facts,
    };
  }
  // The container's git takes the host's identity; without one, commits in there fail.
  const [userName, userEmail] = await Promise.all([
    gitConfig(deps, 'user.name'),
    gitConfig(deps, 'user.email'),
  ]);
  const identity = { ...facts, userName: userName ?? null, userEmail: userEmail ?? null };
  if (!userName || !userEmail) {
    const missing = [userName ? '' : 'user.name', userEmail ? '' : 'user.email']
      .filter(Boolean)
      .join(' and ');
    return {
      name: 'git',
      status: 'warn',
      detail: `git ${version}, but no ${missing}: commits made in agent containers will fail`,
      remedy: 'git config --global user.name "Your Name" && git config --global user.email you@example.com',
      facts: identity,
    };
  }
  return {
    name: 'git',
    status: 'ok',
    detail: `git ${version} (${userName} <${userEmail}>)`,
    facts: identity,
  };
}

async function gitConfig(deps: DoctorDeps, key: string): Promise<string | undefined> {
  const result = await deps.run('git', ['config', '--get', key]).catch(() => undefined);
  const value = result?.exitCode === 0 ? result.stdout.trim() : '';
  return value === '' ? undefined : value;
}

function olderThan(version: readonly [number, number], min: readonly [number, number]): boolean {
  return version[0] < min[0] || (version[0] === min[0] && version[1] < min[1]);
}

/** VS Code's `code` launcher on PATH, found the way a shell would (PATHEXT on Windows). */
export async function checkCode(deps: DoctorDeps): Promise<DoctorCheck> {
  const found = await findOnPath('code', deps);
  if (found) return { name: 'code', status: 'ok', detail: `VS Code at ${found}`, facts: { path: found } };
  return {
    name: 'code',
    status: 'warn',
    detail: '`code` is not on PATH: containers cannot be opened in VS Code from launch-agent',
    remedy:
      'install VS Code with the Dev Containers extension and run "Shell Command: Install \'code\' command in PATH"',
    facts: { path: null },
  };
}

export async function findOnPath(command: string, deps: DoctorDeps): Promise<string | undefined> {
  const { env, platform } = deps.host;
  const win = platform === 'win32';
  const p = win ? path.win32 : path.posix;
  const dirs = (env.PATH ?? env.Path ?? '').split(win ? ';' : ':').filter((d) => d !== '');
  const extensions = win ? (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e !== '') : [''];
  for (const dir of dirs) {
    for (const ext of extensions) {
      const file = p.join(dir, `${command}${ext.toLowerCase()}`);
      const probe = await deps.stat(file).catch(() => undefined);
      // On Unix only an executable file counts; Windows has no execute bit.
      if (probe?.kind === 'file' && (win || (probe.mode & 0o111) !== 0)) return file;
    }
  }
  return undefined;
}
