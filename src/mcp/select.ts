import type { AgentName } from '../agents/types.js';
import type { AgentMcpServer, McpServer } from './model.js';

/** Whether `agent` gets this server at all (its `agents` list and its `enabled`, overrides applied). */
export function serverApplies(agent: AgentName, server: McpServer): boolean {
  if (server.agents && !server.agents.includes(agent)) return false;
  return { ...server, ...server.overrides[agent] }.enabled !== false;
}

/** The servers one agent gets, with that agent's overrides applied, in config order. */
export function serversFor(agent: AgentName, servers: readonly McpServer[]): AgentMcpServer[] {
  return servers.filter((s) => serverApplies(agent, s)).map((s) => viewFor(s, agent));
}

/** The server as `agent` sees it (its overrides applied), or as defined when no agent is given. */
export function viewFor(server: McpServer, agent?: AgentName): AgentMcpServer {
  const s: McpServer = agent === undefined ? server : { ...server, ...server.overrides[agent] };
  const out: AgentMcpServer = {
    name: s.name,
    transport: s.url === undefined ? 'stdio' : (s.transport ?? 'http'),
    args: s.args ?? [],
    env: s.env ?? {},
    headers: s.headers ?? {},
  };
  if (s.command !== undefined) out.command = s.command;
  if (s.cwd !== undefined) out.cwd = s.cwd;
  if (s.url !== undefined) out.url = s.url;
  if (s.bearer_token_env_var !== undefined) out.bearerTokenEnvVar = s.bearer_token_env_var;
  return out;
}

/** Headers with the bearer token folded in, for agents that take `${VAR}` in header values. */
export function headersWithBearer(server: AgentMcpServer): Record<string, string> {
  if (server.bearerTokenEnvVar === undefined) return { ...server.headers };
  return { ...server.headers, Authorization: `Bearer \${${server.bearerTokenEnvVar}}` };
}
