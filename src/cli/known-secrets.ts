import { agents } from '../agents/registry.js';
import { defaultSecretsFile, type HostFacts } from '../config/paths.js';
import { readSecretValues } from '../config/secrets-file.js';
import { registerSecret } from './logger.js';

/** Shorter values are settings (`true`, `8080`), not tokens: masking them would garble output. */
const MIN_TOKEN_LENGTH = 8;

/** Tokens any command may come across: the agents' token variables here, and the secrets file. */
export function registerKnownSecrets(host: HostFacts, secretsFiles: string[] = []): void {
  const values = agents.flatMap((agent) => agent.tokenEnv.map((key) => host.env[key] ?? ''));
  for (const file of [defaultSecretsFile(host), ...secretsFiles]) values.push(...readSecretValues(file));
  for (const value of values) if (value.length >= MIN_TOKEN_LENGTH) registerSecret(value);
}
