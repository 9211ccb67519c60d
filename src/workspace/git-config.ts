import { GATE } from '../container-paths.js';

export interface ContainerGitFacts {
  branch: string;
  userName: string | undefined;
  userEmail: string | undefined;
}

/**
 * The workspace's .git/config: the host repo's own config (origin and all) plus the wiring we
 * add. Appending sections is valid git config; for single-valued keys the last value wins, and
 * a host remote named `local` is removed first (removeLocalRemote) so its url cannot clash.
 */
export function containerGitConfig(hostConfig: string, facts: ContainerGitFacts): string {
  const lines = [
    '# added by launch-agent',
    '[core]',
    '\tbare = false',
    // The copy keeps each file's mtime and size but not its inode or ctime: compared on what
    // survives a copy, the host's index stays fresh, and git status does not re-hash the tree.
    '\tcheckStat = minimal',
    '\ttrustctime = false',
    '[remote "local"]',
    `\turl = ${GATE}`,
    '\tfetch = +refs/heads/*:refs/remotes/local/*',
    '[remote]',
    '\tpushDefault = local',
    '[push]',
    '\tautoSetupRemote = true',
  ];
  if (facts.userName || facts.userEmail) {
    lines.push('[user]');
    if (facts.userName) lines.push(`\tname = ${quote(facts.userName)}`);
    if (facts.userEmail) lines.push(`\temail = ${quote(facts.userEmail)}`);
  }
  const base = hostConfig.endsWith('\n') || hostConfig === '' ? hostConfig : `${hostConfig}\n`;
  return `${removeSection(base, 'remote "local"')}${lines.join('\n')}\n`;
}

/** Drops every `[name]` section (and its keys) from git config text. */
export function removeSection(config: string, name: string): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of config.split('\n')) {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) skipping = normalise(header[1]!) === normalise(name);
    if (!skipping) out.push(line);
  }
  return out.join('\n');
}

function normalise(section: string): string {
  const match = /^\s*([^\s"]+)\s*(?:"(.*)")?\s*$/.exec(section);
  if (!match) return section.trim().toLowerCase();
  return match[2] === undefined ? match[1]!.toLowerCase() : `${match[1]!.toLowerCase()} "${match[2]}"`;
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The agent's ~/.gitconfig: the host repo dir is owned by another uid when the owner is root. */
export function agentGlobalGitConfig(options: { ghCredentialHelper: boolean }): string {
  // receive-pack runs with this config when pushing to `local` (the gate): no gc there.
  const lines = [
    '[safe]',
    '\tdirectory = *',
    '[init]',
    '\tdefaultBranch = main',
    '[receive]',
    '\tautogc = false',
  ];
  if (options.ghCredentialHelper) {
    lines.push('[credential "https://github.com"]', '\thelper =', '\thelper = !gh auth git-credential');
    lines.push('[credential "https://gist.github.com"]', '\thelper =', '\thelper = !gh auth git-credential');
  }
  return `${lines.join('\n')}\n`;
}
