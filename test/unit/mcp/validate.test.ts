import { describe, expect, it } from 'vitest';
import { isLaunchError } from '../../../src/errors.js';
import { assertValid, mergeLayers, parseConfigText } from '../../../src/mcp/load.js';
import { formatProblem } from '../../../src/mcp/model.js';

const problems = (text: string, file = '/repo/config.toml') => {
  const result = parseConfigText(text, file);
  return { errors: result.errors.map(formatProblem), warnings: result.warnings.map(formatProblem) };
};

describe('config.toml validation', () => {
  it('names file:line:col for a TOML syntax error', () => {
    const { errors } = problems('[mcp_servers.a]\nargs = ["x"]\ncommand = npx\nenv = {}\n');
    expect(errors).toEqual(['/repo/config.toml:3:11: invalid TOML: invalid value']);
  });

  it('names the file, the line, the dot path, expected and got', () => {
    const { errors } = problems('[mcp_servers.github]\ncommand = "npx"\nargs = "-y server"\n');
    expect(errors).toEqual([
      '/repo/config.toml:3:1 mcp_servers.github.args: expected an array of strings, got a string',
    ]);
  });

  it('reports every problem at once, inline tables and dotted keys included', () => {
    const { errors } = problems(
      [
        '[mcp_servers.a]',
        'command = 7',
        'env = { TOKEN = 1 }',
        'agents = ["claude", "cursor"]',
        '',
        '[mcp_servers.b]',
        'url = "ftp://x"',
        'transport = "websocket"',
        'enabled = "yes"',
        '',
        '[mcp_servers]',
        'c.command = "x"',
        'c.url = "https://x.example"',
        'd = "npx"',
        '"bad name" = { command = "x" }',
        '',
        '[mcp_servers.e]',
        'args = ["x", 1]',
        'headers = { "X" = "${not a name}" }',
      ].join('\n'),
    );
    expect(errors).toEqual([
      '/repo/config.toml:2:1 mcp_servers.a.command: expected a string, got a number',
      '/repo/config.toml:3:1 mcp_servers.a.env: expected a table of strings, got `TOKEN` = a number',
      '/repo/config.toml:4:1 mcp_servers.a.agents: unknown agent `cursor`; choose from claude, codex, copilot, gemini',
      '/repo/config.toml:1:1 mcp_servers.a: expected `command` (local server) or `url` (remote server), got neither',
      '/repo/config.toml:7:1 mcp_servers.b.url: expected an http:// or https:// URL, got `ftp://x`',
      '/repo/config.toml:8:1 mcp_servers.b.transport: expected "http" or "sse", got "websocket"',
      '/repo/config.toml:9:1 mcp_servers.b.enabled: expected true or false, got a string',
      '/repo/config.toml:6:1 mcp_servers.b: expected `command` (local server) or `url` (remote server), got neither',
      '/repo/config.toml:12:1 mcp_servers.c: set `command` (local server) or `url` (remote server), not both',
      '/repo/config.toml:14:1 mcp_servers.d: expected a table, got a string',
      '/repo/config.toml:15:1 mcp_servers.bad name: server names may only hold letters, digits, `_` and `-`',
      '/repo/config.toml:18:1 mcp_servers.e.args: expected an array of strings, got an array holding a number',
      '/repo/config.toml:19:1 mcp_servers.e.headers.X: malformed env reference `${not a name}`: expected ${NAME} or ${NAME:-default}',
      '/repo/config.toml:17:1 mcp_servers.e: expected `command` (local server) or `url` (remote server), got neither',
    ]);
  });

  it('checks each agent override against the server it modifies', () => {
    const { errors } = problems(
      '[mcp_servers.a]\ncommand = "x"\n[mcp_servers.a.codex]\nurl = "https://x.example"\nheaders = { A = "b" }\n',
    );
    expect(errors).toEqual([
      '/repo/config.toml:1:1 mcp_servers.a: set `command` (local server) or `url` (remote server), not both (with the codex overrides)',
    ]);
  });

  it('warns when `agents` is empty', () => {
    expect(problems('[mcp_servers.a]\ncommand = "x"\nagents = []\n').warnings).toEqual([
      '/repo/config.toml:3:1 mcp_servers.a.agents: an empty list: no agent gets this server',
    ]);
  });

  it('lets `enabled = false` stand alone, to switch off a server the user config defines', () => {
    expect(problems('[mcp_servers.a]\nenabled = false\n').errors).toEqual([]);
  });

  it('warns on unknown keys but accepts the top-level keys of other features', () => {
    const { errors, warnings } = problems(
      [
        'base_image = "debian:12"',
        'ca_bundle = "/etc/ca.pem"',
        'default_agent = "claude"',
        'colour = "blue"',
        '[defaults]',
        'cpus = 2',
        '[mcp_servers.a]',
        'command = "x"',
        'timeout = 5',
        '[mcp_servers.a.gemini]',
        'trust = true',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      '/repo/config.toml:4:1 colour: unknown key (ignored); known keys: mcp_servers, image, base_image, ca_bundle, default_agent, defaults, network',
      '/repo/config.toml:9:1 mcp_servers.a.timeout: unknown key (ignored); known keys: command, args, env, cwd, url, transport, headers, bearer_token_env_var, enabled, agents, claude, codex, copilot, gemini',
      '/repo/config.toml:11:1 mcp_servers.a.gemini.trust: unknown key (ignored); overrides take: command, args, env, cwd, url, transport, headers, bearer_token_env_var, enabled',
    ]);
  });

  it('a top-level key appended below a server table is named as such', () => {
    const { warnings } = problems('[mcp_servers.a]\ncommand = "x"\nbase_image = "debian:12"\n');
    expect(warnings).toEqual([
      '/repo/config.toml:3:1 mcp_servers.a.base_image: `base_image` is a top-level key, but here it is inside [mcp_servers.a] (ignored); move it above the first [table]',
    ]);
  });

  it('throws one CONFIG_INVALID error holding the whole report', () => {
    const a = parseConfigText('[mcp_servers.a]\nargs = "x"\n', '/home/u/.config/launch-agent/config.toml');
    const b = parseConfigText('x = [', '/repo/config.toml');
    let thrown: unknown;
    try {
      assertValid([...a.errors, ...b.errors]);
    } catch (error) {
      thrown = error;
    }
    expect(isLaunchError(thrown) && thrown.code).toBe('CONFIG_INVALID');
    const message = (thrown as Error).message;
    expect(message).toContain('invalid config (3 problems)');
    expect(message).toContain(
      '/home/u/.config/launch-agent/config.toml:2:1 mcp_servers.a.args: expected an array of strings, got a string',
    );
    expect(message).toMatch(/\/repo\/config\.toml:1:\d+: invalid TOML/);
    expect(() => assertValid([])).not.toThrow();
  });
});

describe('merging the repo config over the user config', () => {
  it('replaces a server of the same name whole, keeps the rest, in place', () => {
    const user = parseConfigText(
      '[mcp_servers.a]\ncommand = "user-a"\nargs = ["--x"]\n[mcp_servers.b]\ncommand = "user-b"\n',
      'user.toml',
    );
    const repo = parseConfigText(
      '[mcp_servers.a]\nurl = "https://repo.example/mcp"\n[mcp_servers.c]\ncommand = "c"\n',
      'repo.toml',
    );
    const merged = mergeLayers([user.servers, repo.servers]);
    expect(merged.map((s) => [s.name, s.source])).toEqual([
      ['a', 'repo.toml'],
      ['b', 'user.toml'],
      ['c', 'repo.toml'],
    ]);
    expect(merged[0]).toMatchObject({ url: 'https://repo.example/mcp' });
    expect(merged[0]?.args).toBeUndefined();
  });
});
