import type { AgentDescriptor } from '../../agents/types.js';
import { loadAllowSources } from '../../config/network.js';
import type { HostFacts } from '../../config/paths.js';
import { loadMcpConfig } from '../../mcp/load.js';
import { serversFor } from '../../mcp/select.js';
import type { LaunchPlan } from '../plan.js';
import { type AllowEntry, effectiveAllowList } from './allowlist.js';

/**
 * The allow-list of an allowlist launch, read before anything is created (a bad host in a
 * config.toml is an input error); empty for the other modes.
 */
export async function launchAllowList(input: {
  plan: LaunchPlan;
  agent: AgentDescriptor;
  repoRoot: string;
  host: HostFacts;
  warn: (message: string) => void;
}): Promise<AllowEntry[]> {
  if (input.plan.network !== 'allowlist') return [];
  const [sources, mcp] = await Promise.all([
    loadAllowSources(input.host, input.repoRoot),
    loadMcpConfig({ host: input.host, repoDir: input.repoRoot }),
  ]);
  const remote = serversFor(input.agent.name, mcp.servers).flatMap((s) =>
    s.url === undefined ? [] : [{ name: s.name, url: s.url }],
  );
  const { entries, warnings } = effectiveAllowList({
    agent: input.agent,
    builtin: sources.builtin,
    configs: sources.configs,
    flags: input.plan.allow,
    mcpServers: remote,
  });
  for (const warning of [...sources.warnings, ...warnings]) input.warn(warning);
  return entries;
}
