import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { agents as allAgents } from '../agents/registry.js';
import type { AgentDescriptor, AgentName } from '../agents/types.js';
import { defaultSecretsFile, type HostFacts } from '../config/paths.js';
import { agentLimits, homeConfigFiles, loadMcpConfig, serverApplies, viewFor } from '../mcp/index.js';
import { availableNames } from '../mcp/launch.js';
import { missingSecrets, missingSecretWarning } from '../mcp/missing-secrets.js';

export interface McpSourceOptions {
  host: HostFacts;
  /** The repo whose config.toml is merged over the user's. */
  repoDir: string;
  /** Convert exactly this file instead of the merged user + repo config. */
  file?: string;
}

export interface McpConvertResult {
  sources: string[];
  agents: Array<{ agent: AgentName; files: Array<{ homePath: string; path?: string; content: string }> }>;
  warnings: string[];
}

/**
 * What each agent gets in its home (seeds + MCP servers). With `outDir`, the files are merged into
 * `outDir/<homePath>` (a stand-in for the agent's home) exactly as the launch merges them.
 */
export async function convertMcp(
  options: McpSourceOptions & { agents: readonly AgentDescriptor[]; outDir?: string },
): Promise<McpConvertResult> {
  const config = await loadMcpConfig(loadOptions(options));
  const result: McpConvertResult = { sources: config.files, agents: [], warnings: [...config.warnings] };
  result.warnings.push(...agentLimits(options.agents, config.servers));
  for (const agent of options.agents) {
    const existing = new Map<string, string>();
    if (options.outDir !== undefined) {
      for (const homePath of [...agent.seeds.map((s) => s.homePath), agent.mcp.homePath]) {
        const text = await readFile(path.join(options.outDir, homePath), 'utf8').catch(() => undefined);
        if (text !== undefined) existing.set(homePath, text);
      }
    }
    const files = homeConfigFiles(agent, config.servers, (homePath) => existing.get(homePath));
    const out: McpConvertResult['agents'][number] = { agent: agent.name, files: [] };
    for (const file of files) {
      if (options.outDir === undefined) {
        out.files.push({ homePath: file.homePath, content: file.text });
        continue;
      }
      const target = path.join(options.outDir, file.homePath);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.text);
      out.files.push({ homePath: file.homePath, path: target, content: file.text });
    }
    result.agents.push(out);
  }
  return result;
}

export interface McpListResult {
  sources: string[];
  /** The secrets file judged for missing variables, if there is one. */
  secretsFile?: string;
  servers: Array<{
    name: string;
    transport: string;
    target: string;
    agents: AgentName[];
    source: string;
    /** Variables it references that neither the secrets file nor a default gives (names only). */
    missing: string[];
  }>;
  warnings: string[];
}

/** The merged servers, which agents get each (a disabled server gets none), and what secrets they lack. */
export async function listMcp(
  options: McpSourceOptions & { secretsFile?: string | undefined },
): Promise<McpListResult> {
  const config = await loadMcpConfig(loadOptions(options));
  const secretsFile = options.secretsFile ?? (await existing(defaultSecretsFile(options.host)));
  const available = await availableNames({ secretsFile });
  const warnings = [...config.warnings, ...agentLimits(allAgents, config.servers)];
  const servers = config.servers.map((server) => {
    const agents = allAgents.filter((a) => serverApplies(a.name, server)).map((a) => a.name);
    // Transport and target as the first receiving agent sees them (overrides can differ per agent).
    const view = viewFor(server, agents[0]);
    const target = view.url ?? [view.command ?? '', ...view.args].join(' ');
    const lacking = agents.flatMap((agent) => missingSecrets(agent, [server], available));
    const missing = [...new Set(lacking.flatMap((m) => m.variables))];
    if (missing.length > 0)
      warnings.push(missingSecretWarning({ server: server.name, variables: missing }, secretsFile));
    return { name: server.name, transport: view.transport, target, agents, source: server.source, missing };
  });
  return { sources: config.files, ...(secretsFile ? { secretsFile } : {}), servers, warnings };
}

async function existing(file: string): Promise<string | undefined> {
  return (await stat(file).catch(() => undefined)) ? file : undefined;
}

function loadOptions(options: McpSourceOptions) {
  return options.file === undefined
    ? { host: options.host, repoDir: options.repoDir }
    : { host: options.host, files: [path.resolve(options.file)] };
}
