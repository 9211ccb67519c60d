import type { AgentName } from '../agents/types.js';
import { type ImageTable, readImageTable } from '../config/image-table.js';
import { isEnvName, parseTemplate } from './env-ref.js';
import { locate } from './locate.js';
import type { ConfigProblem, McpServer, McpServerFields } from './model.js';

export const agentNameList: readonly AgentName[] = ['claude', 'codex', 'copilot', 'gemini'];

/** Top-level keys of `config.toml`; the ones besides `mcp_servers` belong to other features. */
export const knownTopLevelKeys = [
  'mcp_servers',
  'image',
  'base_image',
  'ca_bundle',
  'default_agent',
  'defaults',
  'network',
];

const fieldKeys = [
  'command',
  'args',
  'env',
  'cwd',
  'url',
  'transport',
  'headers',
  'bearer_token_env_var',
  'enabled',
];
const serverName = /^[A-Za-z0-9_-]+$/;

export interface ValidationResult {
  servers: McpServer[];
  errors: ConfigProblem[];
  warnings: ConfigProblem[];
  /** `[image]`, when the file has one (src/config/image-table.ts). */
  image?: ImageTable;
}

type Table = Record<string, unknown>;

/** Checks a parsed `config.toml`; collects every problem instead of stopping at the first. */
export function validateConfig(doc: Table, file: string, text: string): ValidationResult {
  const errors: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const problem = (list: ConfigProblem[], path: string[], message: string): void => {
    list.push({ file, ...locate(text, path), path: path.join('.'), message });
  };
  const error = (path: string[], message: string) => problem(errors, path, message);

  for (const key of Object.keys(doc)) {
    if (!knownTopLevelKeys.includes(key))
      problem(warnings, [key], `unknown key (ignored); known keys: ${knownTopLevelKeys.join(', ')}`);
  }
  const servers: McpServer[] = [];
  const image = readImageTable(doc.image, error, (path, message) => problem(warnings, path, message));
  const result: ValidationResult = { servers, errors, warnings, ...(image ? { image } : {}) };
  const root = doc.mcp_servers;
  if (root === undefined) return result;
  if (!isTable(root)) {
    error(['mcp_servers'], `expected a table of servers, got ${describe(root)}`);
    return result;
  }

  for (const [name, raw] of Object.entries(root)) {
    const path = ['mcp_servers', name];
    if (!serverName.test(name)) {
      error(path, 'server names may only hold letters, digits, `_` and `-`');
      continue;
    }
    if (!isTable(raw)) {
      error(path, `expected a table, got ${describe(raw)}`);
      continue;
    }
    const server: McpServer = { name, overrides: {}, source: file, ...readFields(raw, path, error) };
    for (const [key, value] of Object.entries(raw)) {
      if (fieldKeys.includes(key)) continue;
      if (key === 'agents') {
        const agents = readAgents(value, [...path, key], error);
        if (agents) server.agents = agents;
        if (agents?.length === 0)
          problem(warnings, [...path, key], 'an empty list: no agent gets this server');
      } else if ((agentNameList as readonly string[]).includes(key)) {
        if (!isTable(value)) {
          error([...path, key], `expected a table of overrides for ${key}, got ${describe(value)}`);
          continue;
        }
        for (const inner of Object.keys(value)) {
          if (!fieldKeys.includes(inner))
            problem(
              warnings,
              [...path, key, inner],
              `unknown key (ignored); overrides take: ${fieldKeys.join(', ')}`,
            );
        }
        server.overrides[key as AgentName] = readFields(value, [...path, key], error);
      } else if (knownTopLevelKeys.includes(key)) {
        // TOML puts a key written after `[mcp_servers.x]` into that table: easy to do by appending.
        problem(
          warnings,
          [...path, key],
          `\`${key}\` is a top-level key, but here it is inside [${path.join('.')}] (ignored); move it above the first [table]`,
        );
      } else {
        problem(
          warnings,
          [...path, key],
          `unknown key (ignored); known keys: ${[...fieldKeys, 'agents', ...agentNameList].join(', ')}`,
        );
      }
    }
    checkShape(server, path, error);
    servers.push(server);
  }
  return result;
}

/** Local xor remote, for the server and for each agent's overridden view of it. */
function checkShape(
  server: McpServer,
  path: string[],
  error: (path: string[], message: string) => void,
): void {
  const views: Array<[string, McpServerFields]> = [['', server]];
  for (const [agent, fields] of Object.entries(server.overrides))
    views.push([agent, { ...server, ...fields }]);
  const seen = new Set<string>();
  for (const [agent, view] of views) {
    if (view.enabled === false) continue;
    const forAgent = agent ? ` (with the ${agent} overrides)` : '';
    const messages: string[] = [];
    if (view.command !== undefined && view.url !== undefined) {
      messages.push('set `command` (local server) or `url` (remote server), not both');
    } else if (view.command === undefined && view.url === undefined) {
      messages.push('expected `command` (local server) or `url` (remote server), got neither');
    } else if (view.command !== undefined) {
      for (const key of ['transport', 'headers', 'bearer_token_env_var'] as const) {
        if (view[key] !== undefined)
          messages.push(`\`${key}\` is for remote servers (with \`url\`), but this one has \`command\``);
      }
    } else {
      for (const key of ['args', 'env', 'cwd'] as const) {
        if (view[key] !== undefined)
          messages.push(`\`${key}\` is for local servers (with \`command\`), but this one has \`url\``);
      }
    }
    for (const message of messages) {
      if (seen.has(message)) continue;
      seen.add(message);
      error(path, `${message}${forAgent}`);
    }
  }
}

function readFields(
  raw: Table,
  path: string[],
  error: (path: string[], message: string) => void,
): McpServerFields {
  const fields: McpServerFields = {};
  const at = (key: string) => [...path, key];
  const str = (key: string): string | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      error(at(key), `expected a string, got ${describe(value)}`);
      return undefined;
    }
    return checkRefs(value, at(key), error) ? value : undefined;
  };
  const map = (
    key: string,
    keyCheck?: (k: string) => string | undefined,
  ): Record<string, string> | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (!isTable(value) || !Object.values(value).every((v) => typeof v === 'string')) {
      error(at(key), `expected a table of strings, got ${describeMap(value)}`);
      return undefined;
    }
    let ok = true;
    for (const [k, v] of Object.entries(value as Record<string, string>)) {
      const bad = keyCheck?.(k);
      if (bad) {
        error([...at(key), k], bad);
        ok = false;
      }
      if (!checkRefs(v, [...at(key), k], error)) ok = false;
    }
    return ok ? { ...(value as Record<string, string>) } : undefined;
  };

  const command = str('command');
  if (command !== undefined) fields.command = command;
  if (raw.args !== undefined) {
    const args = raw.args;
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
      error(at('args'), `expected an array of strings, got ${describeList(args)}`);
    } else if (args.every((a, i) => checkRefs(a, [...at('args'), String(i)], error))) {
      fields.args = [...args];
    }
  }
  const env = map('env', (k) =>
    isEnvName(k) ? undefined : 'env var names may only hold letters, digits and `_`',
  );
  if (env) fields.env = env;
  const cwd = str('cwd');
  if (cwd !== undefined) fields.cwd = cwd;
  const url = str('url');
  if (url !== undefined) {
    if (parseTemplate(url).some((s) => typeof s !== 'string') || /^https?:\/\/[^/\s]/.test(url))
      fields.url = url;
    else error(at('url'), `expected an http:// or https:// URL, got \`${url}\``);
  }
  if (raw.transport !== undefined) {
    if (raw.transport === 'http' || raw.transport === 'sse') fields.transport = raw.transport;
    else error(at('transport'), `expected "http" or "sse", got ${describeValue(raw.transport)}`);
  }
  const headers = map('headers');
  if (headers) fields.headers = headers;
  const bearer = str('bearer_token_env_var');
  if (bearer !== undefined) {
    if (isEnvName(bearer)) fields.bearer_token_env_var = bearer;
    else
      error(
        at('bearer_token_env_var'),
        `expected an env var name (letters, digits, \`_\`), got \`${bearer}\``,
      );
  }
  if (raw.enabled !== undefined) {
    if (typeof raw.enabled === 'boolean') fields.enabled = raw.enabled;
    else error(at('enabled'), `expected true or false, got ${describe(raw.enabled)}`);
  }
  return fields;
}

function readAgents(
  value: unknown,
  path: string[],
  error: (path: string[], message: string) => void,
): AgentName[] | undefined {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    error(path, `expected an array of agent names, got ${describeList(value)}`);
    return undefined;
  }
  const unknown = value.filter((v) => !(agentNameList as readonly string[]).includes(v));
  if (unknown.length > 0) {
    error(
      path,
      `unknown agent ${unknown.map((u) => `\`${u}\``).join(', ')}; choose from ${agentNameList.join(', ')}`,
    );
    return undefined;
  }
  return [...new Set(value as AgentName[])];
}

function checkRefs(value: string, path: string[], error: (path: string[], message: string) => void): boolean {
  try {
    parseTemplate(value);
    return true;
  } catch (e) {
    error(path, (e as Error).message);
    return false;
  }
}

function isTable(value: unknown): value is Table {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number' || typeof value === 'bigint') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  return 'a table';
}

function describeList(value: unknown): string {
  if (!Array.isArray(value)) return describe(value);
  const bad = value.find((v) => typeof v !== 'string');
  return `an array holding ${describe(bad)}`;
}

function describeMap(value: unknown): string {
  if (!isTable(value)) return describe(value);
  const [key, bad] = Object.entries(value).find(([, v]) => typeof v !== 'string') ?? ['', undefined];
  return `\`${key}\` = ${describe(bad)}`;
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : describe(value);
}
