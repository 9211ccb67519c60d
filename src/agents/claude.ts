import path from 'node:path';
import type { AgentMcpServer } from '../mcp/model.js';
import { commandLine, mergeJsonServers, nonEmpty } from '../mcp/render.js';
import { headersWithBearer } from '../mcp/select.js';
import { addActivityHooks } from './activity-hooks.js';
import { objectAt, parseJsonObject, stringifyJson } from './json-merge.js';
import type { AgentDescriptor } from './types.js';

export const claude: AgentDescriptor = {
  name: 'claude',
  displayName: 'Claude Code',
  npmPackage: '@anthropic-ai/claude-code',
  binary: 'claude',
  minNode: 18,
  versionArg: 'CLAUDE_CODE_VERSION',
  image: 'launch-agent/claude',
  keychainItem: 'Claude Code-credentials',
  authLocations(host) {
    const join = host.platform === 'win32' ? path.win32.join : path.posix.join;
    const override = host.env.CLAUDE_CONFIG_DIR;
    const dir = override || join(host.homedir, '.claude');
    const via = override ? 'CLAUDE_CONFIG_DIR' : undefined;
    return [
      {
        hostPath: join(dir, '.credentials.json'),
        homePath: '.claude/.credentials.json',
        kind: 'file',
        credentialFiles: ['.'],
        ...(via ? { via } : {}),
      },
      {
        hostPath: join(dir, 'settings.json'),
        homePath: '.claude/settings.json',
        kind: 'file',
        credentialFiles: [],
        ...(via ? { via } : {}),
      },
      {
        hostPath: join(dir, 'CLAUDE.md'),
        homePath: '.claude/CLAUDE.md',
        kind: 'file',
        credentialFiles: [],
        ...(via ? { via } : {}),
      },
      {
        hostPath: override ? join(override, '.claude.json') : join(host.homedir, '.claude.json'),
        homePath: '.claude.json',
        kind: 'file',
        credentialFiles: [],
        ...(via ? { via } : {}),
      },
    ];
  },
  tokenEnv: ['CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_API_KEY'],
  longLivedToken: { env: 'CLAUDE_CODE_OAUTH_TOKEN', how: 'run `claude setup-token`' },
  egressHosts: ['api.anthropic.com', 'claude.ai', 'console.anthropic.com', 'platform.claude.com'],
  containerEnv: { DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
  interactive: ['claude', '--dangerously-skip-permissions'],
  headless: (prompt) => ['claude', '-p', prompt, '--dangerously-skip-permissions'],
  seeds: [
    {
      homePath: '.claude.json',
      merge(existing) {
        const config = parseJsonObject(existing, '.claude.json');
        config.hasCompletedOnboarding = true;
        config.bypassPermissionsModeAccepted = true;
        const projects = objectAt(config, 'projects');
        const workspace = objectAt(projects, '/workspace');
        workspace.hasTrustDialogAccepted = true;
        workspace.hasCompletedProjectOnboarding = true;
        return stringifyJson(config);
      },
    },
    {
      // Its own word on what it does: a turn ends (Stop) or it needs the user (Notification).
      homePath: '.claude/settings.json',
      merge(existing) {
        const settings = parseJsonObject(existing, '.claude/settings.json');
        addActivityHooks(settings, { UserPromptSubmit: 'working', Stop: 'waiting', Notification: 'waiting' });
        return stringifyJson(settings);
      },
    },
  ],
  // ~/.claude.json top-level mcpServers (user scope: no per-project approval). Claude expands
  // ${VAR} and ${VAR:-default} itself in command, args, env, url and headers.
  mcp: {
    homePath: '.claude.json',
    merge: (existing, servers) => mergeJsonServers(existing, '.claude.json', servers, claudeMcpEntry),
    limits: () => [],
  },
};

function claudeMcpEntry(server: AgentMcpServer): Record<string, unknown> {
  if (server.transport === 'stdio') {
    return { type: 'stdio', ...commandLine(server), ...nonEmpty('env', server.env) };
  }
  return { type: server.transport, url: server.url, ...nonEmpty('headers', headersWithBearer(server)) };
}
