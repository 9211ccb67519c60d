import path from 'node:path';
import { parse, stringify } from 'smol-toml';
import type { AgentDescriptor } from './types.js';

export const codex: AgentDescriptor = {
  name: 'codex',
  displayName: 'OpenAI Codex CLI',
  npmPackage: '@openai/codex',
  binary: 'codex',
  minNode: 16,
  versionArg: 'CODEX_VERSION',
  image: 'launch-agent/codex',
  authLocations(host) {
    const join = host.platform === 'win32' ? path.win32.join : path.posix.join;
    const override = host.env.CODEX_HOME;
    const dir = override || join(host.homedir, '.codex');
    const via = override ? { via: 'CODEX_HOME' } : {};
    return [
      { hostPath: join(dir, 'auth.json'), homePath: '.codex/auth.json', kind: 'file', credentialFiles: ['.'], ...via },
      { hostPath: join(dir, 'config.toml'), homePath: '.codex/config.toml', kind: 'file', credentialFiles: [], ...via },
      { hostPath: join(dir, 'AGENTS.md'), homePath: '.codex/AGENTS.md', kind: 'file', credentialFiles: [], ...via },
    ];
  },
  tokenEnv: ['CODEX_API_KEY', 'OPENAI_API_KEY'],
  longLivedToken: { env: 'CODEX_API_KEY', how: 'create an API key at https://platform.openai.com/api-keys' },
  containerEnv: { CODEX_HOME: '/home/agent/.codex' },
  // Codex's own bwrap sandbox cannot start inside Docker; the container is the sandbox.
  interactive: ['codex', '--dangerously-bypass-approvals-and-sandbox'],
  headless: (prompt) => ['codex', 'exec', '--dangerously-bypass-approvals-and-sandbox', prompt],
  seeds: [
    {
      homePath: '.codex/config.toml',
      merge(existing) {
        const config = (existing ? parse(existing) : {}) as Record<string, unknown>;
        const projects = (config.projects ?? {}) as Record<string, Record<string, unknown>>;
        projects['/workspace'] = { ...(projects['/workspace'] ?? {}), trust_level: 'trusted' };
        config.projects = projects;
        return `${stringify(config)}\n`;
      },
    },
  ],
};
