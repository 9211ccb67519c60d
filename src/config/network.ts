import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'smol-toml';
import { LaunchError, messageOf } from '../errors.js';
import { type HostFacts, userConfigFile } from './paths.js';

/** The built-in groups, each listed unless `[network] builtin` names fewer. */
export const BUILTIN_GROUPS = ['agent', 'npm', 'pypi', 'debian', 'github'] as const;
export type BuiltinGroup = (typeof BUILTIN_GROUPS)[number];

const LABEL = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';
export const HOST_PATTERN = new RegExp(`^(\\*\\.)?(${LABEL}\\.)*${LABEL}$`);

/** Lower-cased host pattern, or a USAGE/CONFIG error saying what a host looks like. */
export function parseHostPattern(value: string, where: string): string {
  const host = value.trim().toLowerCase();
  if (host.length <= 253 && HOST_PATTERN.test(host)) return host;
  throw new LaunchError(
    where.startsWith('--') ? 'USAGE' : 'CONFIG_INVALID',
    `${where}: expected a host name like api.example.com or *.example.com, got \`${value}\``,
    { hint: 'no scheme, port or path: the proxy allows by host name (https on port 443, http on any port)' },
  );
}

export const NETWORK_MODES = ['bridge', 'none', 'allowlist'] as const;
export type NetworkMode = (typeof NETWORK_MODES)[number];

/** `[network]` of one config.toml. */
export interface NetworkConfig {
  mode?: NetworkMode;
  allow: string[];
  builtin?: BuiltinGroup[];
}

/** Reads and checks `[network]` of a parsed config.toml; a wrong type is CONFIG_INVALID naming the key. */
export function networkTable(doc: Record<string, unknown>, file: string): NetworkConfig {
  const table = doc.network;
  if (table === undefined) return { allow: [] };
  const invalid = (key: string, expected: string, got: unknown, hint: string) =>
    new LaunchError('CONFIG_INVALID', `${file} ${key}: expected ${expected}, got ${JSON.stringify(got)}`, {
      hint,
    });
  if (typeof table !== 'object' || table === null || Array.isArray(table))
    throw invalid('network', 'a table', table, 'e.g. [network] with mode = "allowlist"');
  const { mode, allow, builtin } = table as Record<string, unknown>;
  const out: NetworkConfig = { allow: [] };
  if (mode !== undefined) {
    if (!NETWORK_MODES.includes(mode as NetworkMode))
      throw invalid('network.mode', NETWORK_MODES.join(', '), mode, 'e.g. mode = "allowlist"');
    out.mode = mode as NetworkMode;
  }
  if (allow !== undefined) {
    if (!Array.isArray(allow) || allow.some((h) => typeof h !== 'string'))
      throw invalid(
        'network.allow',
        'an array of host names',
        allow,
        'e.g. allow = ["api.example.com", "*.example.org"]',
      );
    out.allow = (allow as string[]).map((h) => parseHostPattern(h, `${file} network.allow`));
  }
  if (builtin !== undefined) {
    if (!Array.isArray(builtin) || builtin.some((g) => !BUILTIN_GROUPS.includes(g as BuiltinGroup)))
      throw invalid(
        'network.builtin',
        `an array of ${BUILTIN_GROUPS.join(', ')}`,
        builtin,
        'e.g. builtin = ["agent", "npm"] (the default is all of them)',
      );
    out.builtin = builtin as BuiltinGroup[];
  }
  return out;
}

/** A missing file is an empty `[network]`. */
export async function readNetworkConfig(file: string): Promise<NetworkConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { allow: [] };
  }
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new LaunchError('CONFIG_INVALID', `${file}: ${messageOf(error).split('\n')[0]}`, {
      hint: 'fix the TOML syntax at that place',
      cause: error,
    });
  }
  return networkTable(doc, file);
}

export interface AllowSources {
  /** The built-in groups the user's config.toml keeps (all when unset). */
  builtin?: BuiltinGroup[];
  configs: Array<{ file: string; allow: string[] }>;
  warnings: string[];
}

/**
 * `[network]` of the user's config.toml and the repo's. The repository is what the agent works on,
 * not something to trust: its file may add hosts (listed as its own), never choose the mode or
 * the built-in groups.
 */
export async function loadAllowSources(host: HostFacts, repoRoot: string): Promise<AllowSources> {
  const userFile = userConfigFile(host);
  const repoFile = path.join(repoRoot, 'config.toml');
  const [user, repo] = await Promise.all([readNetworkConfig(userFile), readNetworkConfig(repoFile)]);
  const warnings: string[] = [];
  if (repo.mode || repo.builtin)
    warnings.push(
      `${repoFile}: network.mode and network.builtin are read from your own config.toml only (ignored here)`,
    );
  return {
    ...(user.builtin ? { builtin: user.builtin } : {}),
    configs: [
      { file: userFile, allow: user.allow },
      { file: repoFile, allow: repo.allow },
    ],
    warnings,
  };
}
