import type { AgentName } from '../agents/types.js';

export type McpTransport = 'stdio' | 'http' | 'sse';

/** The fields a server (or a per-agent override of it) can set in `config.toml`. */
export interface McpServerFields {
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  url?: string;
  /** Remote transport; `http` (streamable HTTP) unless set to `sse`. */
  transport?: 'http' | 'sse';
  headers?: Record<string, string>;
  /** Sends `Authorization: Bearer $VAR`, read from the agent's environment at run time. */
  bearer_token_env_var?: string;
  enabled?: boolean;
}

/** One validated `[mcp_servers.NAME]` table. Strings may hold `${VAR}` / `${VAR:-default}`. */
export interface McpServer extends McpServerFields {
  name: string;
  /** Limits the server to these agents; undefined = every agent. */
  agents?: AgentName[];
  /** `[mcp_servers.NAME.<agent>]` tables: keys that replace the server's own for that agent. */
  overrides: Partial<Record<AgentName, McpServerFields>>;
  /** The file that defined it (the repo's wins over the user's). */
  source: string;
}

/** What one agent gets: overrides applied, transport settled. Input of every agent's MCP writer. */
export interface AgentMcpServer {
  name: string;
  transport: McpTransport;
  command?: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  url?: string;
  headers: Record<string, string>;
  bearerTokenEnvVar?: string;
}

/** One problem found in a config file, pointing at the place. */
export interface ConfigProblem {
  file: string;
  line?: number;
  column?: number;
  /** Dot path inside the file, e.g. `mcp_servers.github.args`. */
  path: string;
  message: string;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
  return p.path ? `${where} ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}
