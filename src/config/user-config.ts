import { readFile } from 'node:fs/promises';
import { parse } from 'smol-toml';
import { LaunchError, messageOf } from '../errors.js';
import { networkTable } from './network.js';
import { type HostFacts, userConfigFile } from './paths.js';

/**
 * The settings a user may keep in ~/.config/launch-agent/config.toml besides MCP servers
 * (src/mcp reads those, with the repo's config.toml over them).
 */
export interface UserConfig {
  defaultAgent?: string;
  baseImage?: string;
  caBundle?: string;
  /** `[defaults]`: launch flags' defaults. */
  cpus?: string;
  memory?: string;
  pids?: string;
  network?: string;
}

const TOP_LEVEL = { default_agent: 'defaultAgent', base_image: 'baseImage', ca_bundle: 'caBundle' } as const;
const DEFAULTS = ['cpus', 'memory', 'pids', 'network'] as const;

/** A missing file is an empty config; bad TOML or a wrong type is CONFIG_INVALID naming the key. */
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
    throw new LaunchError('CONFIG_INVALID', `${file}: ${messageOf(error).split('\n')[0]}`, {
      hint: 'fix the TOML syntax at that place (`launch-agent mcp list` reports every problem)',
      cause: error,
    });
  }
  const config: UserConfig = {};
  for (const [key, field] of Object.entries(TOP_LEVEL)) {
    const value = doc[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '') {
      throw new LaunchError(
        'CONFIG_INVALID',
        `${file} ${key}: expected a non-empty string, got ${JSON.stringify(value)}`,
        {
          hint: `e.g. ${key} = "…"`,
        },
      );
    }
    config[field] = value;
  }
  const defaults = doc.defaults;
  if (
    defaults !== undefined &&
    (typeof defaults !== 'object' || defaults === null || Array.isArray(defaults))
  ) {
    throw new LaunchError(
      'CONFIG_INVALID',
      `${file} defaults: expected a table, got ${JSON.stringify(defaults)}`,
      {
        hint: 'e.g. [defaults] with memory = "8g"',
      },
    );
  }
  for (const key of DEFAULTS) {
    const value = (defaults as Record<string, unknown> | undefined)?.[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new LaunchError(
        'CONFIG_INVALID',
        `${file} defaults.${key}: expected a string or number, got ${JSON.stringify(value)}`,
        {
          hint: `e.g. ${key} = "…"`,
        },
      );
    }
    config[key] = String(value);
  }
  // `[network] mode` wins over the older `[defaults] network`.
  const network = networkTable(doc, file);
  if (network.mode) config.network = network.mode;
  return config;
}
