import { objectAt, parseJsonObject, stringifyJson } from '../agents/json-merge.js';
import { envRefs, hasEnvRef } from './env-ref.js';
import type { AgentMcpServer } from './model.js';
import { ShellScript, withCwd } from './shell.js';

/**
 * Merges servers into a JSON config's top-level `mcpServers`: every other setting and server is
 * kept, an entry of ours replaces one of the same name, and a second run changes nothing.
 */
export function mergeJsonServers(
  existing: string | undefined,
  what: string,
  servers: readonly AgentMcpServer[],
  entry: (server: AgentMcpServer) => Record<string, unknown>,
): string {
  const config = parseJsonObject(existing, what);
  const table = objectAt(config, 'mcpServers');
  for (const server of servers) table[server.name] = entry(server);
  return stringifyJson(config);
}

/** `{key: value}` when the map is non-empty, else nothing: keeps generated files short. */
export function nonEmpty<K extends string>(
  key: K,
  value: Record<string, string> | string[],
): Partial<Record<K, unknown>> {
  const empty = Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
  return empty ? {} : ({ [key]: value } as Record<K, unknown>);
}

/** command + args, wrapped to change directory for agents without a `cwd` field. */
export function commandLine(server: AgentMcpServer): { command: string; args: string[] } {
  const command = server.command ?? '';
  return server.cwd === undefined
    ? { command, args: server.args }
    : withCwd(command, server.args, server.cwd);
}

/**
 * For agents that expand `${VAR}` only in `env`: when the command line itself holds references, it
 * runs through `sh -c` (which resolves them in the container at run time) and each referenced
 * variable is passed through `env` so the shell sees it.
 */
export function commandLineResolvedByShell(server: AgentMcpServer): {
  command: string;
  args: string[];
  env: Record<string, string>;
} {
  const line = [server.command ?? '', ...server.args, ...(server.cwd === undefined ? [] : [server.cwd])];
  if (!line.some(hasEnvRef)) return { ...commandLine(server), env: server.env };
  const script = new ShellScript().exec({
    command: server.command ?? '',
    args: server.args,
    ...(server.cwd === undefined ? {} : { cwd: server.cwd }),
  });
  const env: Record<string, string> = {};
  for (const ref of line.flatMap(envRefs)) env[ref.name] = `\${${ref.name}:-}`;
  return { command: 'sh', args: ['-c', script], env: { ...env, ...server.env } };
}
