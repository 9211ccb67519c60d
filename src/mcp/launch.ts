import { readFile } from 'node:fs/promises';
import type { AgentDescriptor } from '../agents/types.js';
import type { HostFacts } from '../config/paths.js';
import { parseSecretsFile } from '../config/secrets-file.js';
import { agentLimits, mcpHomeTransform } from './apply.js';
import { loadMcpConfig } from './load.js';
import { missingSecrets, missingSecretWarning } from './missing-secrets.js';

/** What the launch knows when it renders the agent's config. */
export interface TransformContext {
  /** The secrets file the container gets, if any. */
  secretsFile?: string | undefined;
  /** `-e KEY=VALUE` pairs. */
  env?: readonly string[] | undefined;
  /** Collects warnings into the launch result (`--json` warnings) and prints them. */
  warn?: ((message: string) => void) | undefined;
}

/**
 * The launch's `homeTransform` dependency: loads the user's config.toml with the repo's over it
 * (throwing CONFIG_INVALID with every problem), reports warnings (a server whose `${VAR}` has no
 * value in the secrets file or `-e` among them), and merges the servers into the agent's MCP file.
 * `${VAR}` references stay references, resolved by the agent in the container.
 */
export function launchMcpTransform(host: HostFacts, warn: (message: string) => void) {
  return async (agent: AgentDescriptor, repoRoot: string, context: TransformContext = {}) => {
    const report = context.warn ?? warn;
    const config = await loadMcpConfig({ host, repoDir: repoRoot });
    for (const warning of [...config.warnings, ...agentLimits([agent], config.servers)]) report(warning);
    const available = await availableNames(context);
    for (const missing of missingSecrets(agent.name, config.servers, available))
      report(missingSecretWarning(missing, context.secretsFile));
    return mcpHomeTransform(agent, config.servers);
  };
}

/** Names the container's environment gets from the secrets file and `-e` (values are not read out). */
export async function availableNames(context: {
  secretsFile?: string | undefined;
  env?: readonly string[] | undefined;
}): Promise<Set<string>> {
  const text = context.secretsFile ? await readFile(context.secretsFile, 'utf8').catch(() => '') : '';
  const names = parseSecretsFile(text)
    .filter((entry) => entry.value !== '')
    .map((entry) => entry.key);
  for (const pair of context.env ?? []) names.push(pair.split('=')[0] ?? '');
  return new Set(names);
}
