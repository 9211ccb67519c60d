import path from 'node:path';
import type { AgentDescriptor } from './types.js';
import { parseJsonObject, stringifyJson } from './json-merge.js';

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
      { hostPath: join(dir, 'config.json'), homePath: '.copilot/config.json', kind: 'file', credentialFiles: [], ...via },
      { hostPath: join(dir, 'mcp-config.json'), homePath: '.copilot/mcp-config.json', kind: 'file', credentialFiles: [], ...via },
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
  containerEnv: {},
  interactive: ['copilot', '--allow-all-tools'],
  headless: (prompt) => ['copilot', '-p', prompt, '--allow-all-tools'],
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
};
