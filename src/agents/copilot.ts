import path from 'node:path';
import type { AgentMcpServer } from '../mcp/model.js';
import { commandLineResolvedByShell, mergeJsonServers, nonEmpty } from '../mcp/render.js';
import { headersWithBearer } from '../mcp/select.js';
import { parseJsonObject, stringifyJson } from './json-merge.js';
import type { AgentDescriptor } from './types.js';

export const copilot: AgentDescriptor = {
  name: 'copilot',
  displayName: 'GitHub Copilot CLI',
  npmPackage: '@github/copilot',
  binary: 'copilot',
  minNode: 22,
  versionArg: 'COPILOT_VERSION',
  image: 'launch-agent/copilot',
  authLocations(host) {
    const join = host.platform === 'win32' ? path.win32.join : path.posix.join;
    const override = host.env.COPILOT_HOME;
    const dir = override || join(host.homedir, '.copilot');
    const via = override ? { via: 'COPILOT_HOME' } : {};
    const ghDir = host.env.GH_CONFIG_DIR || join(host.homedir, '.config', 'gh');
    return [
      // Holds the login when no OS keychain is used, and settings such as trusted_folders.
      {
        hostPath: join(dir, 'config.json'),
        homePath: '.copilot/config.json',
        kind: 'file',
        credentialFiles: [],
        ...via,
      },
      {
        hostPath: join(dir, 'mcp-config.json'),
        homePath: '.copilot/mcp-config.json',
        kind: 'file',
        credentialFiles: [],
        ...via,
      },
      {
        hostPath: ghDir,
        homePath: '.config/gh',
        kind: 'dir',
        credentialFiles: ['.'],
        ...(host.env.GH_CONFIG_DIR ? { via: 'GH_CONFIG_DIR' } : {}),
      },
    ];
  },
  tokenEnv: ['COPILOT_GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_TOKEN'],
  egressHosts: ['api.githubcopilot.com', '*.githubcopilot.com', 'github.com', 'api.github.com'],
  containerEnv: {},
  // The container is the sandbox: everything it allows (tools, paths, URLs its network reaches).
  interactive: ['copilot', '--allow-all'],
  headless: (prompt) => ['copilot', '-p', prompt, '--allow-all', '--no-ask-user'],
  seeds: [
    {
      homePath: '.copilot/config.json',
      merge(existing) {
        const config = parseJsonObject(existing, '.copilot/config.json');
        const trusted = Array.isArray(config.trusted_folders) ? (config.trusted_folders as unknown[]) : [];
        if (!trusted.includes('/workspace')) trusted.push('/workspace');
        config.trusted_folders = trusted;
        return stringifyJson(config);
      },
    },
  ],
  // ~/.copilot/mcp-config.json. Copilot expands ${VAR} / ${VAR:-default} in `env`; a command line
  // holding references runs through sh, which resolves them in the container.
  mcp: {
    homePath: '.copilot/mcp-config.json',
    merge: (existing, servers) =>
      mergeJsonServers(existing, '.copilot/mcp-config.json', servers, copilotMcpEntry),
    limits: () => [],
  },
};

function copilotMcpEntry(server: AgentMcpServer): Record<string, unknown> {
  if (server.transport === 'stdio') {
    const { command, args, env } = commandLineResolvedByShell(server);
    return { type: 'local', command, args, ...nonEmpty('env', env), tools: ['*'] };
  }
  return {
    type: server.transport,
    url: server.url,
    ...nonEmpty('headers', headersWithBearer(server)),
    tools: ['*'],
  };
}
