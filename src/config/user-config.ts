import { readFile } from 'node:fs/promises';
import { parse } from 'smol-toml';
import { LaunchError, messageOf } from '../errors.js';
import { type HostFacts, userConfigFile } from './paths.js';

/** The launch defaults a user may set in ~/.config/launch-agent/config.toml (MCP servers live in src/mcp). */
export interface UserDefaults {
  defaultAgent?: string;
  baseImage?: string;
  caBundle?: string;
  cpus?: string;
  memory?: string;
  pids?: string;
  network?: string;
}

export async function readUserDefaults(host: HostFacts): Promise<UserDefaults> {
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
      hint: 'fix the TOML syntax (see `launch-agent mcp list` for a full report)',
      cause: error,
    });
  }
  const defaults = (typeof doc.defaults === 'object' && doc.defaults !== null ? doc.defaults : {}) as Record<
    string,
    unknown
  >;
  const text_ = (value: unknown): string | undefined =>
    typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
  const result: UserDefaults = {};
  const set = (key: keyof UserDefaults, value: unknown) => {
    const v = text_(value);
    if (v !== undefined) result[key] = v;
  };
  set('defaultAgent', doc.default_agent);
  set('baseImage', doc.base_image);
  set('caBundle', doc.ca_bundle);
  set('cpus', defaults.cpus);
  set('memory', defaults.memory);
  set('pids', defaults.pids);
  set('network', defaults.network);
  return result;
}
