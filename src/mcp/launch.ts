import type { AgentDescriptor } from '../agents/types.js';
import type { HostFacts } from '../config/paths.js';
import { agentLimits, mcpHomeTransform } from './apply.js';
import { loadMcpConfig } from './load.js';

/**
 * The launch's `homeTransform` dependency: loads the user's config.toml with the repo's over it
 * (throwing CONFIG_INVALID with every problem), reports warnings, and merges the servers into the
 * agent's MCP file. `${VAR}` references stay references, resolved by the agent in the container.
 */
export function launchMcpTransform(host: HostFacts, warn: (message: string) => void) {
  return async (agent: AgentDescriptor, repoRoot: string) => {
    const config = await loadMcpConfig({ host, repoDir: repoRoot });
    for (const warning of [...config.warnings, ...agentLimits([agent], config.servers)]) warn(warning);
    return mcpHomeTransform(agent, config.servers);
  };
}
