import { readFile } from 'node:fs/promises';
import type { AgentDescriptor, SeedFacts } from '../agents/types.js';
import { parseSecretsFile } from '../config/secrets-file.js';
import { agentGlobalGitConfig } from '../workspace/git-config.js';
import type { OwnedTar } from '../workspace/tar.js';
import { type LaunchPlan, SECRETS_MOUNT } from './plan.js';

/** Renders one home file from what was copied from the host (undefined when absent). */
export type HomeFileTransform = (homePath: string, existing: string | undefined) => string | undefined;

/**
 * The agent's writable home, computed on the host: copies of the host's settings merged with
 * the first-run seeds (and MCP servers, through `transform`), the git config, and links to the
 * read-only credential mounts. The host's own files are only read.
 */
export async function addHome(
  tar: OwnedTar,
  options: {
    prefix: string;
    agent: AgentDescriptor;
    plan: LaunchPlan;
    transform?: HomeFileTransform;
    /** Logins with no host file (the macOS Keychain): written into the home, agent-only. */
    logins?: Array<{ homePath: string; text: string }>;
  },
): Promise<void> {
  const { prefix, agent, plan } = options;
  await tar.dir(prefix, 0o755);

  const files = new Map<string, string>();
  for (const location of plan.homeCopies) {
    if (location.kind !== 'file') continue;
    const text = await readFile(location.hostPath, 'utf8').catch(() => undefined);
    if (text !== undefined) files.set(location.homePath, text);
  }
  const facts = await seedFacts(plan, options.logins ?? []);
  for (const seed of agent.seeds) files.set(seed.homePath, seed.merge(files.get(seed.homePath), facts));
  if (options.transform) {
    // The MCP file too when neither the host nor a seed has it (e.g. Copilot's mcp-config.json).
    for (const homePath of new Set([...files.keys(), agent.mcp.homePath])) {
      const next = options.transform(homePath, files.get(homePath));
      if (next !== undefined) files.set(homePath, next);
    }
  }

  for (const [homePath, text] of [...files.entries()].sort()) {
    // Copies of login settings can hold tokens: readable by the agent only.
    await tar.file(`${prefix}/${homePath}`, text, 0o600);
  }
  for (const login of options.logins ?? []) {
    await tar.file(`${prefix}/${login.homePath}`, login.text, 0o600);
  }
  for (const link of plan.authLinks) await tar.symlink(`${prefix}/${link.homePath}`, link.target);
  const gh = plan.authLinks.some((link) => link.homePath === '.config/gh');
  await tar.file(`${prefix}/.gitconfig`, agentGlobalGitConfig({ ghCredentialHelper: gh }), 0o644);
}

/** Names only: which variables the secrets file sets, which logins are there (mounted or written). */
async function seedFacts(plan: LaunchPlan, written: Array<{ homePath: string }>): Promise<SeedFacts> {
  // Mounted on a local engine, delivered through the API elsewhere: the host file either way.
  const secrets = [...plan.mounts, ...plan.deliveries].find((m) => m.target === SECRETS_MOUNT);
  const text = secrets ? await readFile(secrets.source, 'utf8').catch(() => '') : '';
  return {
    secretNames: parseSecretsFile(text).map((entry) => entry.key),
    logins: [...plan.authLinks, ...written].map((login) => login.homePath),
  };
}

/** /etc/passwd and /etc/group with the `agent` user moved to the given uid/gid (placed first after root). */
export function remapAgentUser(
  passwd: string,
  group: string,
  uid: number,
  gid: number,
): { passwd: string; group: string } {
  const rewrite = (text: string, match: RegExp, replace: (fields: string[]) => string[]) => {
    const lines = text.split('\n').filter((line) => line !== '');
    const index = lines.findIndex((line) => match.test(line));
    const fields = index >= 0 ? lines[index]!.split(':') : undefined;
    if (index >= 0) lines.splice(index, 1);
    const entry = replace(fields ?? []).join(':');
    const rootIndex = lines.findIndex((line) => line.startsWith('root:'));
    lines.splice(rootIndex + 1, 0, entry);
    return `${lines.join('\n')}\n`;
  };
  return {
    passwd: rewrite(passwd, /^agent:/, (f) => [
      'agent',
      f[1] ?? 'x',
      String(uid),
      String(gid),
      f[4] ?? 'agent',
      f[5] ?? '/home/agent',
      f[6] ?? '/bin/bash',
    ]),
    group: rewrite(group, /^agent:/, (f) => ['agent', f[1] ?? 'x', String(gid), f[3] ?? '']),
  };
}
