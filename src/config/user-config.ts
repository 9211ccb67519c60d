import { readFile } from 'node:fs/promises';
import { parse, TomlError } from 'smol-toml';
import { parseCpus, parseDisk, parseMemory, parseNetwork, parsePids } from '../core/limits.js';
import { isLaunchError, LaunchError } from '../errors.js';
import { locate } from '../mcp/locate.js';
import { networkTable } from './network.js';
import { type HostFacts, userConfigFile } from './paths.js';

/**
 * The settings a user may keep in ~/.config/launch-agent/config.toml besides MCP servers
 * (src/mcp reads those, with the repo's config over them).
 */
export interface UserConfig {
  defaultAgent?: string;
  baseImage?: string;
  caBundle?: string;
  /** `[defaults]`: launch flags' defaults. */
  cpus?: string;
  memory?: string;
  pids?: string;
  disk?: string;
  network?: string;
}

const TOP_LEVEL = { default_agent: 'defaultAgent', base_image: 'baseImage', ca_bundle: 'caBundle' } as const;

/** Each `[defaults]` key with the check its flag gets, so a bad value is caught here, named by key and place. */
const DEFAULTS = {
  cpus: parseCpus,
  memory: parseMemory,
  pids: parsePids,
  disk: parseDisk,
  network: parseNetwork,
} as const satisfies Record<string, (value: string, what: string) => unknown>;

/**
 * A missing file is an empty config; bad TOML or a bad value is CONFIG_INVALID at
 * `file:line:col`, naming the key.
 */
export async function readUserConfig(host: HostFacts): Promise<UserConfig> {
  const file = userConfigFile(host);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (error) {
    const where = error instanceof TomlError ? `${file}:${error.line}:${error.column}` : file;
    const message = (error as Error).message.split('\n')[0]?.replace(/^Invalid TOML document: /, '');
    throw new LaunchError('CONFIG_INVALID', `${where}: invalid TOML: ${message}`, {
      hint: 'fix the TOML at that place (`launch-agent doctor` checks the config too)',
      cause: error,
    });
  }
  const at = (key: string[]) => {
    const place = locate(text, key);
    return `${file}${place ? `:${place.line}:${place.column}` : ''} ${key.join('.')}`;
  };
  const config: UserConfig = {};
  for (const [key, field] of Object.entries(TOP_LEVEL)) {
    const value = doc[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '') {
      throw new LaunchError(
        'CONFIG_INVALID',
        `${at([key])}: expected a non-empty string, got ${JSON.stringify(value)}`,
        { hint: `e.g. ${key} = "…"` },
      );
    }
    config[field] = value;
  }
  const defaults = doc.defaults;
  if (defaults === undefined) return withNetworkTable(config, doc, file);
  if (typeof defaults !== 'object' || defaults === null || Array.isArray(defaults)) {
    throw new LaunchError(
      'CONFIG_INVALID',
      `${at(['defaults'])}: expected a table, got ${JSON.stringify(defaults)}`,
      {
        hint: 'e.g. [defaults] with memory = "8g"',
      },
    );
  }
  for (const [key, check] of Object.entries(DEFAULTS)) {
    const value = (defaults as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const place = at(['defaults', key]);
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new LaunchError(
        'CONFIG_INVALID',
        `${place}: expected a string or number, got ${JSON.stringify(value)}`,
        {
          hint: `e.g. ${key} = "…"`,
        },
      );
    }
    try {
      check(String(value), place);
    } catch (error) {
      if (!isLaunchError(error)) throw error;
      throw new LaunchError('CONFIG_INVALID', error.message, {
        hint: `fix ${key} under [defaults] in ${file} (a flag given on the command line wins over it)`,
      });
    }
    config[key as keyof typeof DEFAULTS] = String(value);
  }
  return withNetworkTable(config, doc, file);
}

/** `[network] mode` wins over the older `[defaults] network`. */
function withNetworkTable(config: UserConfig, doc: Record<string, unknown>, file: string): UserConfig {
  const network = networkTable(doc, file);
  if (network.mode) config.network = network.mode;
  return config;
}
