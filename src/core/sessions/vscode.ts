import { constants } from 'node:fs';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HostFacts } from '../../config/paths.js';
import { ENTRYPOINT, WORKSPACE } from '../plan.js';

/** Where the agent's copy of the repo lives in every container. */
export const WORKSPACE_DIR = WORKSPACE;
/** The non-root user of our images; VS Code Server runs as it. */
export const REMOTE_USER = 'agent';
const DEV_CONTAINERS_EXTENSION = 'ms-vscode-remote.remote-containers';

/** Extensions VS Code installs in the container on first attach: git history and editorconfig. */
const EXTENSIONS = ['eamodio.gitlens', 'EditorConfig.EditorConfig'];

/** Settings for the remote side: terminals start through the entrypoint so they see the secrets. */
const SETTINGS: Record<string, unknown> = {
  'terminal.integrated.defaultProfile.linux': 'launch-agent',
  'terminal.integrated.profiles.linux': {
    'launch-agent': { path: ENTRYPOINT, args: ['bash', '-l'] },
  },
  'git.autofetch': false,
  'remote.autoForwardPorts': true,
};

/**
 * Value of the `devcontainer.metadata` label the launch puts on each container: the Dev Containers
 * extension reads it when attaching (remote user, extensions, settings).
 */
export function devcontainerMetadataLabel(): string {
  return JSON.stringify([
    {
      remoteUser: REMOTE_USER,
      customizations: { vscode: { extensions: EXTENSIONS, settings: SETTINGS } },
    },
  ]);
}

/** `vscode-remote://attached-container+<hex of {"containerName":"/NAME"}>/workspace`. */
export function vscodeUri(name: string, folder = WORKSPACE_DIR): string {
  const hex = Buffer.from(JSON.stringify({ containerName: `/${name}` }), 'utf8').toString('hex');
  return `vscode-remote://attached-container+${hex}${folder}`;
}

/** VS Code's user-data folder on the host: `VSCODE_PORTABLE`, else the OS default. */
export function vscodeUserDataDir(host: HostFacts): string {
  if (host.env.VSCODE_PORTABLE) return joinFor(host)(host.env.VSCODE_PORTABLE, 'user-data');
  switch (host.platform) {
    case 'win32':
      return path.win32.join(host.env.APPDATA ?? path.win32.join(host.homedir, 'AppData', 'Roaming'), 'Code');
    case 'darwin':
      return path.posix.join(host.homedir, 'Library', 'Application Support', 'Code');
    default:
      return path.posix.join(host.env.XDG_CONFIG_HOME || path.posix.join(host.homedir, '.config'), 'Code');
  }
}

/** The Dev Containers "attached container configuration file" for a container name. */
export function attachedConfigFile(host: HostFacts, name: string): string {
  return joinFor(host)(
    vscodeUserDataDir(host),
    'User',
    'globalStorage',
    DEV_CONTAINERS_EXTENSION,
    'nameConfigs',
    `${encodeURIComponent(name)}.json`,
  );
}

export interface AttachedConfig {
  workspaceFolder: string;
  remoteUser: string;
  [key: string]: unknown;
}

/** Merges our two keys into what VS Code already remembers for this name (extensions, ports...). */
export function mergeAttachedConfig(existing: string | undefined): AttachedConfig | undefined {
  let base: Record<string, unknown> = {};
  if (existing !== undefined && existing.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(existing);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
      base = parsed as Record<string, unknown>;
    } catch {
      // JSONC edited by hand: leave the user's file alone rather than lose their comments.
      return undefined;
    }
  }
  return { ...base, workspaceFolder: WORKSPACE_DIR, remoteUser: REMOTE_USER };
}

export interface VsCodeResult {
  name: string;
  uri: string;
  /** The attached-container config file, and whether we wrote it (false: left a hand-edited file alone). */
  configFile: string;
  configWritten: boolean;
  /** The `code` executable used, or null when none is on PATH. */
  code: string | null;
  opened: boolean;
  /** The command that opens it, for users without `code` on PATH. */
  command: string[];
}

export interface OpenInVsCodeOptions {
  host: HostFacts;
  /** false: only write the config and compute the URI (`--json` scripts, tests). */
  open?: boolean;
  /** Runs `code` with these args; injected so the core stays testable. */
  runCode?: (executable: string, args: string[]) => Promise<void>;
}

/** Writes the attached-container config and, when `code` is on PATH, opens VS Code on /workspace. */
export async function openInVsCode(name: string, options: OpenInVsCodeOptions): Promise<VsCodeResult> {
  const uri = vscodeUri(name);
  const configFile = attachedConfigFile(options.host, name);
  const existing = await readFile(configFile, 'utf8').catch(() => undefined);
  const merged = mergeAttachedConfig(existing);
  if (merged) {
    await mkdir(path.dirname(configFile), { recursive: true });
    await writeFile(configFile, `${JSON.stringify(merged, null, 2)}\n`);
  }
  const command = ['code', '--folder-uri', uri];
  const code = await findExecutable('code', options.host);
  let opened = false;
  if (code && options.open !== false) {
    const run = options.runCode ?? runDetached;
    await run(code, command.slice(1));
    opened = true;
  }
  return { name, uri, configFile, configWritten: merged !== undefined, code, opened, command };
}

/** PATH lookup (with PATHEXT on Windows) without spawning a shell. */
export async function findExecutable(command: string, host: HostFacts): Promise<string | null> {
  const windows = host.platform === 'win32';
  const dirs = (host.env.PATH ?? host.env.Path ?? '').split(windows ? ';' : ':').filter(Boolean);
  const exts = windows
    ? (host.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').map((e) => e.toLowerCase())
    : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = joinFor(host)(dir, command + ext);
      try {
        await access(candidate, windows ? constants.F_OK : constants.X_OK);
        return candidate;
      } catch {
        // not here; next
      }
    }
  }
  return null;
}

async function runDetached(executable: string, args: string[]): Promise<void> {
  const { execa } = await import('execa');
  // `code` hands the URI to a running VS Code (or starts one) and returns. On Windows it is
  // `code.cmd`, which Node only runs through a shell.
  const shell = /\.(cmd|bat)$/i.test(executable);
  await execa(executable, args, { stdio: 'ignore', timeout: 60_000, windowsHide: true, shell });
}

function joinFor(host: HostFacts): (...parts: string[]) => string {
  return host.platform === 'win32' ? path.win32.join : path.posix.join;
}
