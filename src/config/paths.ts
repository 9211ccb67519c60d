import os from 'node:os';
import path from 'node:path';

export interface HostFacts {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  homedir: string;
}

export function hostFacts(): HostFacts {
  return { env: process.env, platform: process.platform, homedir: os.homedir() };
}

/** `~/.config/launch-agent` (XDG_CONFIG_HOME honoured; `%APPDATA%\launch-agent` on Windows). */
export function configDir(host: HostFacts): string {
  if (host.env.LAUNCH_AGENT_CONFIG_DIR) return host.env.LAUNCH_AGENT_CONFIG_DIR;
  if (host.platform === 'win32') {
    return path.win32.join(
      host.env.APPDATA ?? path.win32.join(host.homedir, 'AppData', 'Roaming'),
      'launch-agent',
    );
  }
  return path.posix.join(
    host.env.XDG_CONFIG_HOME || path.posix.join(host.homedir, '.config'),
    'launch-agent',
  );
}

/** Where URL sources are cloned: the OS's cache dir. */
export function cacheDir(host: HostFacts): string {
  if (host.env.LAUNCH_AGENT_CACHE_DIR) return host.env.LAUNCH_AGENT_CACHE_DIR;
  if (host.platform === 'win32') {
    return path.win32.join(
      host.env.LOCALAPPDATA ?? path.win32.join(host.homedir, 'AppData', 'Local'),
      'launch-agent',
      'cache',
    );
  }
  if (host.platform === 'darwin') return path.posix.join(host.homedir, 'Library', 'Caches', 'launch-agent');
  return path.posix.join(host.env.XDG_CACHE_HOME || path.posix.join(host.homedir, '.cache'), 'launch-agent');
}

export function defaultSecretsFile(host: HostFacts): string {
  return (host.platform === 'win32' ? path.win32 : path.posix).join(configDir(host), 'secrets.env');
}

export function userConfigFile(host: HostFacts): string {
  return (host.platform === 'win32' ? path.win32 : path.posix).join(configDir(host), 'config.toml');
}
