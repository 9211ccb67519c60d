import { accessSync, constants } from 'node:fs';
import type { Engine } from '../../docker/engine.js';
import { matchSession } from '../sessions/resolve.js';
import { findSessions } from '../sessions.js';
import { type SyncResult, syncSession } from './sync.js';

/**
 * `sync [NAME…]`: the named sessions, else every running one whose repo is on this machine (a
 * shared engine also runs other people's sessions), one after another.
 */
export async function syncSessions(engine: Engine, names: string[]): Promise<SyncResult[]> {
  const all = await findSessions(engine, { all: true });
  const chosen =
    names.length > 0
      ? [...new Map(names.map((n) => matchSession(all, n)).map((s) => [s.id, s])).values()]
      : all.filter((s) => s.running && s.gate && repoIsHere(s.hostGitDir));
  const results: SyncResult[] = [];
  for (const session of chosen) results.push(await syncSession(engine, session, all));
  return results;
}

/** The session's host repo exists here and this user may write to it. */
export function repoIsHere(gitDir: string): boolean {
  if (!gitDir) return false;
  try {
    accessSync(`${gitDir}/objects`, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
