import path from 'node:path';
import type { AgentMcpServer } from '../mcp/model.js';
import { mergeJsonServers, nonEmpty } from '../mcp/render.js';
import { headersWithBearer } from '../mcp/select.js';
import { addActivityHooks } from './activity-hooks.js';
import { objectAt, parseJsonObject, stringifyJson } from './json-merge.js';
import type { AgentDescriptor, SeedFacts } from './types.js';

export const gemini: AgentDescriptor = {
  name: 'gemini',
  displayName: 'Gemini CLI',
  npmPackage: '@google/gemini-cli',
  binary: 'gemini',
  minNode: 20,
  versionArg: 'GEMINI_CLI_VERSION',
  image: 'launch-agent/gemini',
  authLocations(host) {
    const join = host.platform === 'win32' ? path.win32.join : path.posix.join;
    const override = host.env.GEMINI_CLI_HOME;
    const dir = join(override || host.homedir, '.gemini');
    const via = override ? { via: 'GEMINI_CLI_HOME' } : {};
    return [
      {
        hostPath: join(dir, 'oauth_creds.json'),
        homePath: '.gemini/oauth_creds.json',
        kind: 'file',
        credentialFiles: ['.'],
        ...via,
      },
      {
        hostPath: join(dir, 'google_accounts.json'),
        homePath: '.gemini/google_accounts.json',
        kind: 'file',
        credentialFiles: [],
        ...via,
      },
      {
        hostPath: join(dir, 'settings.json'),
        homePath: '.gemini/settings.json',
        kind: 'file',
        credentialFiles: [],
        ...via,
      },
      {
        hostPath: join(dir, 'GEMINI.md'),
        homePath: '.gemini/GEMINI.md',
        kind: 'file',
        credentialFiles: [],
        ...via,
      },
    ];
  },
  tokenEnv: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  egressHosts: [
    'generativelanguage.googleapis.com',
    'cloudcode-pa.googleapis.com',
    'oauth2.googleapis.com',
    'accounts.google.com',
    'www.googleapis.com',
  ],
  containerEnv: { GEMINI_CLI_TRUST_WORKSPACE: 'true' },
  interactive: ['gemini', '--approval-mode=yolo'],
  headless: (prompt) => ['gemini', '-p', prompt, '--approval-mode=yolo'],
  // Gemini sizes its heap from the machine's RAM (half of it): the container's limit is the machine.
  agentEnv: ({ memoryBytes }) =>
    memoryBytes > 0 ? { NODE_OPTIONS: `--max-old-space-size=${Math.floor(memoryBytes / 2 ** 21)}` } : {},
  seeds: [
    {
      homePath: '.gemini/settings.json',
      merge(existing, facts) {
        const settings = parseJsonObject(existing, '.gemini/settings.json');
        const security = objectAt(settings, 'security');
        const folderTrust = objectAt(security, 'folderTrust');
        if (folderTrust.enabled === undefined) folderTrust.enabled = false;
        // Without a chosen login method an interactive start stops on the auth dialog.
        const auth = objectAt(security, 'auth');
        const found = facts && geminiAuthType(facts);
        if (auth.selectedType === undefined && found) auth.selectedType = found;
        // Its own memory sizing reads the host's RAM; agentEnv gives it the container's.
        objectAt(settings, 'advanced').autoConfigureMemory = false;
        addActivityHooks(settings, {
          BeforeAgent: 'working',
          AfterAgent: 'waiting',
          Notification: 'waiting',
        });
        return stringifyJson(settings);
      },
    },
    {
      homePath: '.gemini/trustedFolders.json',
      merge(existing) {
        const trusted = parseJsonObject(existing, '.gemini/trustedFolders.json');
        trusted['/workspace'] = 'TRUST_FOLDER';
        return stringifyJson(trusted);
      },
    },
  ],
  // ~/.gemini/settings.json mcpServers; Gemini expands $VAR, ${VAR} and ${VAR:-default} in every
  // settings value. Remote servers use `url` + `type` (`httpUrl` is deprecated).
  mcp: {
    homePath: '.gemini/settings.json',
    merge: (existing, servers) =>
      mergeJsonServers(existing, '.gemini/settings.json', servers, geminiMcpEntry),
    limits: () => [],
  },
};

/** The login method Gemini CLI would pick from its environment (its getAuthTypeFromEnv), or a mounted login. */
export function geminiAuthType(facts: SeedFacts): string | undefined {
  const set = new Set(facts.secretNames);
  if (set.has('GOOGLE_GENAI_USE_VERTEXAI')) return 'vertex-ai';
  if (set.has('GEMINI_API_KEY')) return 'gemini-api-key';
  if (facts.logins.includes('.gemini/oauth_creds.json')) return 'oauth-personal';
  if (set.has('GOOGLE_API_KEY')) return 'vertex-ai';
  return undefined;
}

function geminiMcpEntry(server: AgentMcpServer): Record<string, unknown> {
  if (server.transport === 'stdio') {
    return {
      command: server.command,
      ...nonEmpty('args', server.args),
      ...nonEmpty('env', server.env),
      ...(server.cwd === undefined ? {} : { cwd: server.cwd }),
    };
  }
  return { type: server.transport, url: server.url, ...nonEmpty('headers', headersWithBearer(server)) };
}
