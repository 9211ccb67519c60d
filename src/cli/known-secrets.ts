import { agents } from '../agents/registry.js';
import { defaultSecretsFile, type HostFacts } from '../config/paths.js';
import { readSecretValues } from '../config/secrets-file.js';
import { registerSecret } from './logger.js';

/** Tokens any command may come across: the agents' token variables here, and the secrets file. */
export function registerKnownSecrets(host: HostFacts, secretsFiles: string[] = []): void {
  for (const agent of agents) for (const key of agent.tokenEnv) registerSecret(host.env[key]);
  for (const file of [defaultSecretsFile(host), ...secretsFiles]) {
    for (const value of readSecretValues(file)) registerSecret(value);
  }
}
