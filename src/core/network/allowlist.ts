import type { AgentDescriptor } from '../../agents/types.js';
import { BUILTIN_GROUPS, type BuiltinGroup, HOST_PATTERN, parseHostPattern } from '../../config/network.js';

/** Who wants a host on the list: shown by `egress NAME --list`. */
export interface AllowEntry {
  /** `api.example.com`, or `*.example.com` for any name under it (not example.com itself). */
  host: string;
  from: string;
}

/** Package registries and git hosts the images and their tools use. */
const REGISTRY_HOSTS: Record<Exclude<BuiltinGroup, 'agent'>, string[]> = {
  npm: ['registry.npmjs.org'],
  pypi: ['pypi.org', 'files.pythonhosted.org'],
  debian: ['deb.debian.org', 'security.debian.org'],
  github: ['github.com', 'api.github.com', 'codeload.github.com', '*.githubusercontent.com'],
};

export interface AllowListInput {
  agent: AgentDescriptor;
  /** Built-in groups to include (default: all of them). */
  builtin?: readonly BuiltinGroup[] | undefined;
  /** `[network] allow` per config file, in order (the user's, then the repo's). */
  configs: Array<{ file: string; allow: string[] }>;
  /** `--allow` values. */
  flags: string[];
  /** Remote MCP servers this agent gets: their URLs' hosts are allowed. */
  mcpServers: Array<{ name: string; url: string }>;
}

/** Every allowed host once, with where it first came from; `warnings` for URLs we cannot read. */
export function effectiveAllowList(input: AllowListInput): { entries: AllowEntry[]; warnings: string[] } {
  const groups = new Set(input.builtin ?? BUILTIN_GROUPS);
  const entries = new Map<string, AllowEntry>();
  const add = (host: string, from: string) => {
    if (!entries.has(host)) entries.set(host, { host, from });
  };
  if (groups.has('agent'))
    for (const host of input.agent.egressHosts) add(host, `built-in: ${input.agent.name}`);
  for (const [group, hosts] of Object.entries(REGISTRY_HOSTS)) {
    if (groups.has(group as BuiltinGroup)) for (const host of hosts) add(host, `built-in: ${group}`);
  }
  for (const { file, allow } of input.configs) {
    for (const value of allow) add(parseHostPattern(value, `${file} network.allow`), file);
  }
  for (const value of input.flags) add(parseHostPattern(value, '--allow'), '--allow');
  const warnings: string[] = [];
  for (const server of input.mcpServers) {
    const host = urlHost(server.url);
    if (host) add(host, `mcp_servers.${server.name}`);
    else
      warnings.push(
        `mcp_servers.${server.name}: cannot tell the host of \`${server.url}\`; add it with --allow or [network] allow`,
      );
  }
  return { entries: [...entries.values()], warnings };
}

/** The host of an http(s) URL, when it is a plain name (not a `${VAR}` reference). */
function urlHost(url: string): string | undefined {
  if (url.includes('${')) {
    const before = url.split('${')[0] ?? '';
    // A reference in the path or query leaves the host readable.
    if (!/^https?:\/\/[^/]+\//.test(before)) return undefined;
  }
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return HOST_PATTERN.test(host) ? host : undefined;
  } catch {
    return undefined;
  }
}

/**
 * tinyproxy's filter file (FilterType ere, case-insensitive, matched against the host alone):
 * one anchored expression per entry; a wildcard takes host-name characters only.
 */
export function proxyFilter(entries: readonly AllowEntry[]): string {
  const lines = entries.map(({ host }) => {
    const wildcard = host.startsWith('*.');
    const escaped = (wildcard ? host.slice(2) : host).replace(/\./g, '\\.');
    return wildcard ? `^[a-z0-9.-]+\\.${escaped}$` : `^${escaped}$`;
  });
  return `${lines.join('\n')}\n`;
}
