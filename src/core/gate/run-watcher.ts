import { hostFacts } from '../../config/paths.js';
import type { Engine } from '../../docker/engine.js';
import { claimWatcher, watchSessions } from './watch.js';

/** `sync --watch`: the watcher's process, one per user and engine (others leave at once). */
export async function runWatcher(engine: Engine): Promise<void> {
  const release = claimWatcher(hostFacts(), engine.endpoint.url);
  if (!release) return;
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Detached from any terminal: a hangup is not a reason to stop landing pushes.
  process.on('SIGHUP', () => undefined);
  try {
    await watchSessions(engine, {
      signal: controller.signal,
      log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
    });
  } finally {
    release();
  }
}
