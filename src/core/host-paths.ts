import path from 'node:path';
import { LaunchError } from '../errors.js';

/**
 * Folder paths as users paste them, from PowerShell, cmd, Git Bash, Explorer or a WSL shell,
 * turned into the path this process can open (and the engine can mount). Pure: the platform and
 * whether we run inside WSL are given, so every rule is unit-tested on Linux.
 */
export interface PathHost {
  platform: NodeJS.Platform;
  /** `WSL_DISTRO_NAME`: set by WSL in every shell of a distro. */
  wslDistro?: string | undefined;
}

export function pathHostOf(host: { platform: NodeJS.Platform; env: NodeJS.ProcessEnv }): PathHost {
  return { platform: host.platform, wslDistro: host.env.WSL_DISTRO_NAME || undefined };
}

/** `\\wsl$\Ubuntu\home\me` and `\\wsl.localhost\Ubuntu\home\me` (either slash). */
const WSL_SHARE = /^[\\/]{2}(?:wsl\$|wsl\.localhost)[\\/]([^\\/]+)(?:[\\/](.*))?$/i;
/** `\\server\share\dir`: a network share. */
const UNC = /^[\\/]{2}(?![\\/?.])[^\\/]+[\\/][^\\/]+/;
/** `C:\src\repo`, `C:/src/repo`, `C:` alone. */
const DRIVE = /^([a-zA-Z]):(?:[\\/](.*))?$/;
/** Git Bash / MSYS: `/c/src/repo`. */
const MSYS_DRIVE = /^\/([a-zA-Z])(?:\/(.*))?$/;

/**
 * The local folder to open for a source that is not a URL. Windows: drive paths stay native,
 * Git Bash's `/c/...` becomes `C:\...`; a WSL share or a network share is refused (the engine
 * cannot bind-mount either) with what to do instead. Inside WSL: a WSL share of this distro
 * becomes its Linux path, a Windows drive path becomes `/mnt/<drive>/...`; another distro's
 * share and network shares are refused. Anything else is returned unchanged.
 */
export function localSourcePath(value: string, host: PathHost): string {
  const wsl = WSL_SHARE.exec(value);
  if (wsl) {
    const distro = wsl[1]!;
    const linux = `/${(wsl[2] ?? '').replace(/\\/g, '/')}`.replace(/\/+$/, '') || '/';
    if (host.wslDistro && host.wslDistro.toLowerCase() === distro.toLowerCase()) return linux;
    throw new LaunchError('USAGE', `${value} is inside the WSL distro ${distro}`, {
      hint: `run launch-agent inside that distro, on the Linux path: wsl -d ${distro} -- launch-agent ${linux}`,
    });
  }
  if (UNC.test(value) && (host.platform === 'win32' || host.wslDistro)) {
    throw new LaunchError('USAGE', `${value} is a network share, which the container engine cannot mount`, {
      hint: 'clone the repository to a local disk (or into WSL) and launch from there, or pass its URL',
    });
  }
  const drive = DRIVE.exec(value);
  if (drive && host.wslDistro && host.platform === 'linux') {
    const rest = (drive[2] ?? '').replace(/\\/g, '/').replace(/\/+$/, '');
    return `/mnt/${drive[1]!.toLowerCase()}${rest ? `/${rest}` : ''}`;
  }
  if (host.platform === 'win32') {
    const msys = MSYS_DRIVE.exec(value);
    if (msys) return path.win32.normalize(`${msys[1]!.toUpperCase()}:\\${msys[2] ?? ''}`);
    if (drive) return path.win32.normalize(`${drive[1]!.toUpperCase()}:\\${drive[2] ?? ''}`);
  }
  return value;
}

/**
 * Said when a WSL user launches a repo on a Windows drive: /mnt/c goes through the 9P file
 * server, so copies are many times slower than from the distro's own disk.
 */
export function wslDriveNote(folder: string, host: PathHost): string | undefined {
  if (!host.wslDistro || !/^\/mnt\/[a-z](\/|$)/.test(folder)) return undefined;
  return `${folder} is on a Windows drive seen through WSL (/mnt): file access is slow there; clone the repository into the WSL file system (e.g. ~/src) for fast launches`;
}
