import type { AgentName } from '../agents/types.js';
import { envRefs } from './env-ref.js';
import type { AgentMcpServer, McpServer } from './model.js';
import { serversFor } from './select.js';

/** Set in every container by the image or the launch, so a reference to them is never missing. */
const CONTAINER_ENV = new Set([
  'HOME',
  'PATH',
  'USER',
  'LOGNAME',
  'SHELL',
  'PWD',
  'LANG',
  'TERM',
  'HOSTNAME',
]);

export interface MissingSecret {
  server: string;
  /** The variables it references with no value and no `:-default`, in order of appearance. */
  variables: string[];
}

/** Every `${VAR}` (without a default) a server's view reads at run time, and its bearer token variable. */
export function requiredVariables(server: AgentMcpServer): string[] {
  const texts = [
    server.command ?? '',
    ...server.args,
    ...Object.values(server.env),
    server.cwd ?? '',
    server.url ?? '',
    ...Object.values(server.headers),
  ];
  const names = texts.flatMap((text) =>
    envRefs(text)
      .filter((ref) => ref.default === undefined)
      .map((ref) => ref.name),
  );
  if (server.bearerTokenEnvVar) names.push(server.bearerTokenEnvVar);
  return [...new Set(names)];
}

/**
 * The servers `agent` gets that reference a variable `available` lacks (the secrets file's keys,
 * `-e` names): the agent would start them without it and they would fail there, silently.
 */
export function missingSecrets(
  agent: AgentName,
  servers: readonly McpServer[],
  available: ReadonlySet<string>,
): MissingSecret[] {
  return serversFor(agent, servers).flatMap((server) => {
    const variables = requiredVariables(server).filter(
      (name) => !available.has(name) && !CONTAINER_ENV.has(name),
    );
    return variables.length === 0 ? [] : [{ server: server.name, variables }];
  });
}

/** One line per server, naming the variables (never a value) and where they would come from. */
export function missingSecretWarning(missing: MissingSecret, secretsFile: string | undefined): string {
  const names = missing.variables.join(', ');
  const where = secretsFile ? `the secrets file ${secretsFile}` : 'a secrets file (none found)';
  return `MCP server ${missing.server} needs ${names}, which is not in ${where} or -e: the agent's server will fail without it (add ${missing.variables[0]}=… to the secrets file, or disable the server)`;
}
