import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Where a repo keeps its launch-agent config (beside `.launch-agent/Dockerfile`). */
export const REPO_CONFIG = path.join('.launch-agent', 'config.toml');

export interface RepoConfigFile {
  file: string;
  text: string;
  /** A reason to tell the user about another file that was passed over, if any. */
  note?: string;
}

/** A `[mcp_servers…]` table header or an `mcp_servers… =` key at the start of a line. */
const HAS_MCP_SERVERS = /^\s*(\[\s*mcp_servers\s*[.\]]|mcp_servers\s*[.=])/m;

/**
 * The repo's config: `.launch-agent/config.toml`; else a `config.toml` at the repo root, but only
 * when it has `[mcp_servers]` (the first place this config lived). A root config.toml of another
 * tool (Hugo, …) is not ours and is passed over without a word.
 */
export async function findRepoConfig(repoDir: string): Promise<RepoConfigFile | undefined> {
  const own = path.join(repoDir, REPO_CONFIG);
  const root = path.join(repoDir, 'config.toml');
  const [ownText, rootText] = await Promise.all([readIfFile(own), readIfFile(root)]);
  if (ownText !== undefined) {
    const passedOver = rootText !== undefined && HAS_MCP_SERVERS.test(rootText);
    return {
      file: own,
      text: ownText,
      ...(passedOver
        ? { note: `${root} is not read: ${own} is the repo's config (move its [mcp_servers] there)` }
        : {}),
    };
  }
  if (rootText !== undefined && HAS_MCP_SERVERS.test(rootText)) return { file: root, text: rootText };
  return undefined;
}

async function readIfFile(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw error;
  }
}
