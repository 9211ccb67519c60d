import type { AgentDescriptor } from '../agents/types.js';
import type { McpServer } from './model.js';
import { serversFor } from './select.js';

export interface HomeFile {
  /** Relative to the agent's home (`/home/agent` in the container). */
  homePath: string;
  text: string;
}

/**
 * Every config file an agent gets in its home: the first-run seeds, then our MCP servers merged
 * into the same text where the seed and the MCP config share a file. `existing(homePath)` is the
 * file's current text (the host copy), if any. The launch and `mcp convert --out` both use this.
 */
export function homeConfigFiles(
  agent: AgentDescriptor,
  servers: readonly McpServer[],
  existing: (homePath: string) => string | undefined,
): HomeFile[] {
  const paths = [...new Set([...agent.seeds.map((s) => s.homePath), agent.mcp.homePath])];
  return paths.map((homePath) => {
    let text = existing(homePath);
    for (const seed of agent.seeds) if (seed.homePath === homePath) text = seed.merge(text);
    if (homePath === agent.mcp.homePath) text = agent.mcp.merge(text, serversFor(agent.name, servers));
    return { homePath, text: text ?? '' };
  });
}

/** What each agent cannot express of the servers it gets, as `mcp_servers.NAME (agent): ...` lines. */
export function agentLimits(agents: readonly AgentDescriptor[], servers: readonly McpServer[]): string[] {
  return agents.flatMap((agent) =>
    serversFor(agent.name, servers).flatMap((server) =>
      agent.mcp.limits(server).map((limit) => `mcp_servers.${server.name} (${agent.name}): ${limit}`),
    ),
  );
}

/**
 * The launch's per-file hook: our servers merged into the agent's MCP file, undefined (unchanged)
 * for other files. Call it for `agent.mcp.homePath` even when the host has no such file.
 */
export function mcpHomeTransform(
  agent: AgentDescriptor,
  servers: readonly McpServer[],
): (homePath: string, existing: string | undefined) => string | undefined {
  const mine = serversFor(agent.name, servers);
  // No servers for this agent: its files stay exactly as the host and the seeds made them.
  if (mine.length === 0) return () => undefined;
  return (homePath, existing) =>
    homePath === agent.mcp.homePath ? agent.mcp.merge(existing, mine) : undefined;
}
