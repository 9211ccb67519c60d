import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/mcp/load.js';
import { missingSecrets, missingSecretWarning } from '../../../src/mcp/missing-secrets.js';

const servers = (text: string) => parseConfigText(text, '/u/config.toml').servers;
const config = servers(
  [
    '[mcp_servers.github]',
    'url = "https://api.githubcopilot.com/mcp/"',
    'bearer_token_env_var = "GITHUB_TOKEN"',
    'agents = ["claude", "codex", "gemini"]',
    '[mcp_servers.context7]',
    'url = "https://mcp.context7.com/mcp"',
    'headers = { CONTEXT7_API_KEY = "${CONTEXT7_API_KEY}" }',
    '[mcp_servers.local]',
    'command = "srv"',
    'args = ["--home", "${HOME}", "--level", "${LEVEL:-info}"]',
    'env = { DB = "postgres://${DB_USER}:${DB_PASS}@db" }',
    '[mcp_servers.off]',
    'command = "x"',
    'env = { T = "${OFF_TOKEN}" }',
    'enabled = false',
  ].join('\n'),
);

describe('MCP servers with missing secrets', () => {
  it('names each server once with the variables it lacks; defaults, container vars and disabled servers pass', () => {
    expect(missingSecrets('claude', config, new Set(['DB_USER']))).toEqual([
      { server: 'github', variables: ['GITHUB_TOKEN'] },
      { server: 'context7', variables: ['CONTEXT7_API_KEY'] },
      { server: 'local', variables: ['DB_PASS'] },
    ]);
  });

  it('follows which agents get a server', () => {
    expect(missingSecrets('copilot', config, new Set(['CONTEXT7_API_KEY', 'DB_USER', 'DB_PASS']))).toEqual(
      [],
    );
  });

  it('says nothing when every variable is there', () => {
    const all = new Set(['GITHUB_TOKEN', 'CONTEXT7_API_KEY', 'DB_USER', 'DB_PASS']);
    expect(missingSecrets('gemini', config, all)).toEqual([]);
  });

  it('is one line naming the server, the variable and the file, never a value', () => {
    const line = missingSecretWarning({ server: 'github', variables: ['GITHUB_TOKEN'] }, '/h/secrets.env');
    expect(line).toMatch(
      /^MCP server github needs GITHUB_TOKEN, which is not in the secrets file \/h\/secrets.env or -e/,
    );
    expect(line).not.toContain('\n');
  });
});
