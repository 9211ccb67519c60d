import path from 'node:path';
import { parse, stringify } from 'smol-toml';
import { envRefs, hasEnvRef, wholeRef } from '../mcp/env-ref.js';
import type { AgentMcpServer } from '../mcp/model.js';
import { nonEmpty } from '../mcp/render.js';
import { ShellScript } from '../mcp/shell.js';
import { ACTIVITY_COMMAND } from './activity-hooks.js';
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
      {
        hostPath: join(dir, 'auth.json'),
        homePath: '.codex/auth.json',
        kind: 'file',
        credentialFiles: ['.'],
        ...via,
      },
      {
        hostPath: join(dir, 'config.toml'),
        homePath: '.codex/config.toml',
        kind: 'file',
        credentialFiles: [],
        ...via,
      },
      {
        hostPath: join(dir, 'AGENTS.md'),
        homePath: '.codex/AGENTS.md',
        kind: 'file',
        credentialFiles: [],
        ...via,
      },
    ];
  },
  tokenEnv: ['CODEX_API_KEY', 'OPENAI_API_KEY'],
  longLivedToken: { env: 'CODEX_API_KEY', how: 'create an API key at https://platform.openai.com/api-keys' },
  egressHosts: ['api.openai.com', 'auth.openai.com', 'chatgpt.com'],
  containerEnv: { CODEX_HOME: '/home/agent/.codex' },
  // Codex's own bwrap sandbox cannot start inside Docker; the container is the sandbox.
  interactive: ['codex', '--dangerously-bypass-approvals-and-sandbox'],
  // Only `codex exec` reads CODEX_API_KEY: the TUI wants a login, which the key makes (a file in
  // the container's home, as \`codex login\` would), unless a login is mounted.
  interactivePrelude:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion
    'key=${CODEX_API_KEY:-${OPENAI_API_KEY:-}}; [ -z "$key" ] || [ -s "${CODEX_HOME:-$HOME/.codex}/auth.json" ] || printf %s "$key" | codex login --with-api-key >/dev/null 2>&1; unset key',
  headless: (prompt) => ['codex', 'exec', '--dangerously-bypass-approvals-and-sandbox', prompt],
  seeds: [
    {
      homePath: '.codex/config.toml',
      merge(existing) {
        const config = (existing ? parse(existing) : {}) as Record<string, unknown>;
        const projects = (config.projects ?? {}) as Record<string, Record<string, unknown>>;
        projects['/workspace'] = { ...(projects['/workspace'] ?? {}), trust_level: 'trusted' };
        config.projects = projects;
        // Called at the end of every turn (with a JSON argument): its own word that it waits.
        config.notify ??= [ACTIVITY_COMMAND, 'waiting'];
        return `${stringify(config)}\n`;
      },
    },
  ],
  // $CODEX_HOME/config.toml [mcp_servers.NAME]. Codex expands no ${VAR}: values come from the
  // environment through env_vars / bearer_token_env_var / env_http_headers, and a command line that
  // needs more runs through sh, which resolves it in the container at run time.
  mcp: {
    homePath: '.codex/config.toml',
    merge(existing, servers) {
      const config = (existing ? parse(existing) : {}) as Record<string, unknown>;
      const table = (config.mcp_servers ?? {}) as Record<string, unknown>;
      for (const server of servers) {
        const entry = codexMcpEntry(server);
        if (entry) table[server.name] = entry;
      }
      config.mcp_servers = table;
      return `${stringify(config)}\n`;
    },
    limits: (server) => codexMcpLimits(server),
  },
};

function codexMcpEntry(server: AgentMcpServer): Record<string, unknown> | undefined {
  if (server.transport !== 'stdio') return codexRemoteEntry(server);
  const passThrough = Object.entries(server.env).filter(([key, value]) => wholeRef(value) === key);
  const literal = Object.entries(server.env).filter(([, value]) => !hasEnvRef(value));
  const commandLine = [server.command ?? '', ...server.args, server.cwd ?? ''];
  if (
    !commandLine.some(hasEnvRef) &&
    passThrough.length + literal.length === Object.keys(server.env).length
  ) {
    return {
      command: server.command,
      ...nonEmpty('args', server.args),
      ...nonEmpty('env', Object.fromEntries(literal)),
      ...nonEmpty(
        'env_vars',
        passThrough.map(([key]) => key),
      ),
      ...(server.cwd === undefined ? {} : { cwd: server.cwd }),
    };
  }
  const computed = Object.fromEntries(Object.entries(server.env).filter(([, value]) => hasEnvRef(value)));
  const script = new ShellScript().exec({
    command: server.command ?? '',
    args: server.args,
    env: computed,
    ...(server.cwd === undefined ? {} : { cwd: server.cwd }),
  });
  const names = [...commandLine, ...Object.values(computed)].flatMap(envRefs).map((ref) => ref.name);
  return {
    command: 'sh',
    args: ['-c', script],
    ...nonEmpty('env', Object.fromEntries(literal)),
    env_vars: [...new Set(names)].sort(),
  };
}

function codexRemoteEntry(server: AgentMcpServer): Record<string, unknown> | undefined {
  if (server.url === undefined || hasEnvRef(server.url)) return undefined;
  const literal: Record<string, string> = {};
  const fromEnv: Record<string, string> = {};
  let bearer = server.bearerTokenEnvVar;
  for (const [header, value] of Object.entries(server.headers)) {
    const whole = wholeRef(value);
    const token = /^Bearer \$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value)?.[1];
    if (!hasEnvRef(value)) literal[header] = value;
    else if (whole !== undefined) fromEnv[header] = whole;
    else if (header.toLowerCase() === 'authorization' && token !== undefined && bearer === undefined)
      bearer = token;
  }
  return {
    url: server.url,
    ...(bearer === undefined ? {} : { bearer_token_env_var: bearer }),
    ...nonEmpty('http_headers', literal),
    ...nonEmpty('env_http_headers', fromEnv),
  };
}

function codexMcpLimits(server: AgentMcpServer): string[] {
  if (server.transport === 'stdio') return [];
  const limits: string[] = [];
  if (server.transport === 'sse')
    limits.push('codex speaks streamable HTTP only; the sse url is written as a streamable HTTP url');
  if (server.url !== undefined && hasEnvRef(server.url))
    limits.push(`codex cannot take \${VAR} in a url; the server is left out`);
  const written = codexRemoteEntry(server);
  const kept = new Set([
    ...Object.keys((written?.http_headers as object | undefined) ?? {}),
    ...Object.keys((written?.env_http_headers as object | undefined) ?? {}),
  ]);
  for (const header of Object.keys(server.headers)) {
    const asBearer = header.toLowerCase() === 'authorization' && written?.bearer_token_env_var !== undefined;
    if (!kept.has(header) && !asBearer) {
      limits.push(
        `codex takes a header from the environment only as a whole \`\${VAR}\` (or \`Bearer \${VAR}\` for Authorization); header \`${header}\` is left out`,
      );
    }
  }
  return limits;
}
