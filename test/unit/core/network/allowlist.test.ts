import { describe, expect, it } from 'vitest';
import { claude } from '../../../../src/agents/claude.js';
import { agents } from '../../../../src/agents/registry.js';
import { effectiveAllowList, proxyFilter } from '../../../../src/core/network/allowlist.js';
import { LaunchError } from '../../../../src/errors.js';

const none = { configs: [], flags: [], mcpServers: [] };

/** The filter as tinyproxy applies it: FilterType ere, case-insensitive, against the host. */
function filterAllows(filter: string, host: string): boolean {
  return filter
    .split('\n')
    .filter(Boolean)
    .some((line) => new RegExp(line, 'i').test(host));
}

describe('effectiveAllowList', () => {
  it('holds each agent API and login hosts and the registries and git hosts, each once with its source', () => {
    for (const agent of agents) {
      const { entries } = effectiveAllowList({ agent, ...none });
      expect(entries.length).toBe(new Set(entries.map((e) => e.host)).size);
      for (const host of agent.egressHosts) expect(entries.map((e) => e.host)).toContain(host);
      for (const host of [
        'registry.npmjs.org',
        'pypi.org',
        'files.pythonhosted.org',
        'deb.debian.org',
        'github.com',
      ])
        expect(entries.find((e) => e.host === host)?.from).toMatch(/^built-in: /);
    }
    const claudeHosts = effectiveAllowList({ agent: claude, ...none }).entries.filter(
      (e) => e.from === 'built-in: claude',
    );
    expect(claudeHosts.map((e) => e.host)).toContain('api.anthropic.com');
  });

  it('keeps only the built-in groups asked for', () => {
    const { entries } = effectiveAllowList({ agent: claude, builtin: ['npm', 'debian'], ...none });
    expect(entries.map((e) => e.host)).toEqual([
      'registry.npmjs.org',
      'deb.debian.org',
      'security.debian.org',
    ]);
  });

  it('adds config hosts, --allow hosts and remote MCP servers, naming where each came from', () => {
    const { entries, warnings } = effectiveAllowList({
      agent: claude,
      builtin: [],
      configs: [
        { file: '/home/u/.config/launch-agent/config.toml', allow: ['api.example.com'] },
        { file: '/repo/config.toml', allow: ['*.example.org', 'api.example.com'] },
      ],
      flags: ['Extra.Example.net'],
      mcpServers: [
        { name: 'docs', url: 'https://mcp.example.io/sse' },
        { name: 'templated', url: 'https://${HOST}/mcp' },
        { name: 'path-ref', url: 'https://tools.example.io/${TEAM}/mcp' },
      ],
    });
    expect(entries).toEqual([
      { host: 'api.example.com', from: '/home/u/.config/launch-agent/config.toml' },
      { host: '*.example.org', from: '/repo/config.toml' },
      { host: 'extra.example.net', from: '--allow' },
      { host: 'mcp.example.io', from: 'mcp_servers.docs' },
      { host: 'tools.example.io', from: 'mcp_servers.path-ref' },
    ]);
    expect(warnings).toEqual([expect.stringMatching(/^mcp_servers\.templated: cannot tell the host/)]);
  });

  it('names the config file of a bad host', () => {
    try {
      effectiveAllowList({
        agent: claude,
        ...none,
        configs: [{ file: '/repo/config.toml', allow: ['http://x.y'] }],
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LaunchError);
      expect((error as LaunchError).code).toBe('CONFIG_INVALID');
      expect((error as LaunchError).message).toMatch(
        /^\/repo\/config\.toml network\.allow: expected a host name/,
      );
    }
  });
});

describe('proxyFilter', () => {
  const entries = [
    { host: 'registry.npmjs.org', from: 'x' },
    { host: '*.githubusercontent.com', from: 'x' },
  ];
  const filter = proxyFilter(entries);

  it('is one anchored expression per host, dots escaped', () => {
    expect(filter).toBe('^registry\\.npmjs\\.org$\n^[a-z0-9.-]+\\.githubusercontent\\.com$\n');
  });

  it('allows the listed names and names under a wildcard, not names that try to slip past', () => {
    const hosts = [
      'registry.npmjs.org',
      'REGISTRY.NPMJS.ORG',
      'registryxnpmjs.org',
      'registry.npmjs.org.evil.com',
      'evil-registry.npmjs.org',
      'objects.githubusercontent.com',
      'a.b.githubusercontent.com',
      'githubusercontent.com',
      'evil.com/.githubusercontent.com',
      'evil.com#.githubusercontent.com',
      'githubusercontent.com.evil.com',
    ];
    const verdicts = hosts.map((h) => [h, filterAllows(filter, h)]);
    expect(verdicts.filter(([, ok]) => ok).map(([h]) => h)).toEqual([
      'registry.npmjs.org',
      'REGISTRY.NPMJS.ORG',
      'objects.githubusercontent.com',
      'a.b.githubusercontent.com',
    ]);
  });
});
