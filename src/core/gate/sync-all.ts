import type { Engine } from '../../docker/engine.js';
import { matchSession } from '../sessions/resolve.js';
import { findSessions } from '../sessions.js';
import { type SyncResult, syncSession } from './sync.js';

/** `sync [NAME…]`: the named sessions (default: every running one), one after another. */
export async function syncSessions(engine: Engine, names: string[]): Promise<SyncResult[]> {
  const all = await findSessions(engine, { all: true });
  const chosen =
    names.length > 0
      ? [...new Map(names.map((n) => matchSession(all, n)).map((s) => [s.id, s])).values()]
      : all.filter((s) => s.running);
  const results: SyncResult[] = [];
  for (const session of chosen) results.push(await syncSession(engine, session, all));
  return results;
}
