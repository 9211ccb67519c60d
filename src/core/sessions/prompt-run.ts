import type { Engine } from '../../docker/engine.js';
import { messageOf } from '../../errors.js';
import { removeSessions } from './remove.js';
import { matchSession, SESSION_FILTER, toSession } from './resolve.js';
import { WORKSPACE_DIR } from './vscode.js';
import { workStateOfRunning } from './work-state.js';

/**
 * The workspace as a few hashes: HEAD, the index's tree, the working tree's (tracked and
 * untracked, not ignored, through a throwaway index that starts from the real one so unchanged
 * files are not read again), the stashes. Equal before and after a `--prompt` run: the agent
 * changed nothing there (the host's own uncommitted work, copied in, is not the agent's).
 */
export const FINGERPRINT_SCRIPT = `cd ${WORKSPACE_DIR} || exit
head=$(git rev-parse -q --verify HEAD) || head=none
index=$(git --no-optional-locks write-tree 2>/dev/null) || index=unmerged
tmp=$(mktemp) || exit
cp .git/index "$tmp" 2>/dev/null || rm -f "$tmp"
tree=$(GIT_INDEX_FILE=$tmp git add -A . && GIT_INDEX_FILE=$tmp git write-tree) || { rm -f "$tmp"; exit 1; }
rm -f "$tmp"
echo "$head $index $tree $(git stash list --format=%H | tr '\\n' ' ')"`;

export async function workFingerprint(engine: Engine, id: string): Promise<string> {
  const result = await engine.exec(id, { cmd: ['sh', '-c', FINGERPRINT_SCRIPT], workingDir: WORKSPACE_DIR });
  if (result.exitCode !== 0) throw new Error(`git in the container failed: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

export interface PromptCleanup {
  removed: boolean;
  /** Why the session was kept (one line), null when removed. */
  kept: string | null;
}

/**
 * After a `--prompt` run: the session goes (container and workspace) when it holds nothing the
 * agent made that is not pushed, unless `keep`; else it stays and the reason says what is left.
 */
export async function cleanUpPromptRun(
  engine: Engine,
  session: { id: string; name: string },
  before: string | undefined,
  options: { keep: boolean },
): Promise<PromptCleanup> {
  const left: string[] = [];
  await landPushes(engine, session.name);
  try {
    const [state, after] = await Promise.all([
      workStateOfRunning(engine, session.id),
      workFingerprint(engine, session.id),
    ]);
    const commits = state.unpushed.length;
    if (commits > 0) left.push(`${commits} unpushed commit${commits === 1 ? '' : 's'}`);
    if (before === undefined) left.push('a workspace it could not read before the run');
    else if (after !== before) left.push('changes to the files not yet committed and pushed');
  } catch (error) {
    left.push(`a workspace it could not read (${messageOf(error)})`);
  }
  if (options.keep || left.length > 0) {
    const why = left.length > 0 ? `the agent left ${left.join(' and ')}` : 'as --keep asked';
    return {
      removed: false,
      kept: `kept ${session.name}: ${why}; \`launch-agent shell ${session.name}\` to look at it, \`launch-agent rm ${session.name}\` once its work is pushed (--force drops it)`,
    };
  }
  await removeSessions(engine, [session.name], { force: true });
  return { removed: true, kept: null };
}

/** What the agent pushed lands in the host repo now (the watcher would, in a few seconds): not unpushed. */
async function landPushes(engine: Engine, name: string): Promise<void> {
  try {
    const all = (await engine.listContainers({ all: true, labels: SESSION_FILTER })).map(toSession);
    const session = matchSession(all, name);
    if (!session.running || !session.hostGitDir) return;
    const { syncSession } = await import('../gate/sync.js');
    await syncSession(engine, session, all);
  } catch {
    // The check that follows counts what did not land.
  }
}
