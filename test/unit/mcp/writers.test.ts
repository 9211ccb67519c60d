import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it, vi } from 'vitest';
import { agents, getAgent } from '../../../src/agents/registry.js';
import type { AgentDescriptor } from '../../../src/agents/types.js';
import {
  agentLimits,
  homeConfigFiles,
  type McpServer,
  mcpHomeTransform,
  parseConfigText,
  serversFor,
} from '../../../src/mcp/index.js';
import { repoRoot } from '../../helpers/cli.js';

const fixtures = path.join(repoRoot, 'test/fixtures/mcp');
const fixture = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');
const golden = (name: string, agent: AgentDescriptor) =>
  `./golden/${name}/${agent.name}${agent.mcp.homePath.endsWith('.toml') ? '.toml' : '.json'}`;

function load(text: string, file = 'config.toml'): McpServer[] {
  const result = parseConfigText(text, file);
  expect(result.errors).toEqual([]);
  return result.servers;
}

const write = (agent: AgentDescriptor, servers: McpServer[], existing?: string) =>
  agent.mcp.merge(existing, serversFor(agent.name, servers));

const cases: Array<[string, string]> = [
  ['template', readFileSync(path.join(repoRoot, 'templates/config.toml'), 'utf8')],
  ['remote-headers', fixture('remote-headers.toml')],
  ['env-defaults', fixture('env-defaults.toml')],
  ['two-agents', fixture('two-agents.toml')],
];

describe.each(agents.map((a) => [a.name, a] as const))('%s MCP writer', (_name, agent) => {
  it.each(cases)('renders %s like its golden file', async (name, text) => {
    await expect(write(agent, load(text))).toMatchFileSnapshot(golden(name, agent));
  });

  it('keeps the user settings and servers, ours win a clash, and composes with the seed', async () => {
    const existing = fixture(`existing/${agent.name}.${agent.name === 'codex' ? 'toml' : 'json'}`);
    const servers = load(fixture('user-settings.toml'));
    const files = homeConfigFiles(agent, servers, (homePath) =>
      homePath === agent.mcp.homePath ? existing : undefined,
    );
    const mcpFile = files.find((f) => f.homePath === agent.mcp.homePath);
    await expect(mcpFile?.text).toMatchFileSnapshot(golden('user-settings', agent));

    const before = parseAny(existing);
    const after = parseAny(mcpFile?.text ?? '');
    const table = agent.name === 'codex' ? 'mcp_servers' : 'mcpServers';
    // Every setting that was there is still there (seeds may only add to them).
    for (const key of Object.keys(before)) expect(after).toHaveProperty([key]);
    expect(after[table]).toHaveProperty(['mine'], (before[table] as Record<string, unknown>).mine);
    expect(JSON.stringify((after[table] as Record<string, unknown>).docs)).toContain(
      'https://docs.example.com/mcp',
    );
    expect(after[table]).toHaveProperty(['fresh']);
  });

  it('is idempotent: merging its own output again changes nothing', () => {
    for (const [, text] of [...cases, ['user', fixture('user-settings.toml')] as [string, string]]) {
      const servers = load(text);
      const once = write(agent, servers);
      expect(write(agent, servers, once)).toBe(once);
      const seeded = homeConfigFiles(agent, servers, () => undefined);
      const again = homeConfigFiles(agent, servers, (p) => seeded.find((f) => f.homePath === p)?.text);
      expect(again).toEqual(seeded);
    }
  });

  it('never resolves an env reference: the names stay, no value from the host appears', () => {
    for (const name of [
      'SEARCH_API_KEY',
      'SEARCH_INDEX',
      'SEARCH_HOST',
      'GITHUB_TOKEN',
      'API_KEY',
      'DOCS_API_KEY',
    ]) {
      vi.stubEnv(name, `host-secret-${name}`);
    }
    try {
      for (const file of ['env-defaults.toml', 'remote-headers.toml']) {
        const text = write(agent, load(fixture(file)));
        expect(text).not.toContain('host-secret-');
      }
      expect(write(agent, load(fixture('env-defaults.toml')))).toContain('SEARCH_API_KEY');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('the launch hook', () => {
  it('merges our servers into the agent MCP file only, even when the host has none', () => {
    const servers = load(fixture('two-agents.toml'));
    for (const agent of agents) {
      const transform = mcpHomeTransform(agent, servers);
      expect(transform(agent.mcp.homePath, undefined)).toBe(write(agent, servers));
      expect(transform('.some/other-file.json', '{}')).toBeUndefined();
    }
    const none = mcpHomeTransform(
      getAgent('gemini'),
      load('[mcp_servers.a]\ncommand = "x"\nagents = ["codex"]\n'),
    );
    expect(none('.gemini/settings.json', '{"ui":{}}')).toBeUndefined();
  });
});

describe('agents limits', () => {
  it('serversFor honours agents lists, overrides and enabled', () => {
    const servers = load(fixture('two-agents.toml'));
    const names = (agent: string) => serversFor(getAgent(agent).name, servers).map((s) => s.name);
    expect(names('claude')).toEqual(['everywhere', 'only-two', 'not-gemini']);
    expect(names('codex')).toEqual(['everywhere', 'only-two', 'not-gemini']);
    expect(names('copilot')).toEqual(['everywhere', 'not-gemini']);
    expect(names('gemini')).toEqual(['everywhere']);
    expect(serversFor('codex', servers).find((s) => s.name === 'only-two')?.args).toContain('codex');
    expect(serversFor('claude', servers).find((s) => s.name === 'only-two')?.args).toContain('default');
  });

  it('reports what codex cannot express, and only that', () => {
    expect(agentLimits(agents, load(fixture('remote-headers.toml')))).toEqual([
      'mcp_servers.legacy-events (codex): codex speaks streamable HTTP only; the sse url is written as a streamable HTTP url',
      'mcp_servers.odd-header (codex): codex takes a header from the environment only as a whole `${VAR}` (or `Bearer ${VAR}` for Authorization); header `X-Auth` is left out',
    ]);
    expect(agentLimits(agents, load(fixture('env-defaults.toml')))).toEqual([
      'mcp_servers.remote-default (codex): codex takes a header from the environment only as a whole `${VAR}` (or `Bearer ${VAR}` for Authorization); header `X-Key` is left out',
    ]);
    expect(
      agentLimits(agents, load(readFileSync(path.join(repoRoot, 'templates/config.toml'), 'utf8'))),
    ).toEqual([]);
  });
});

function parseAny(text: string): Record<string, unknown> {
  return text.trimStart().startsWith('{')
    ? (JSON.parse(text) as Record<string, unknown>)
    : (parseToml(text) as Record<string, unknown>);
}
