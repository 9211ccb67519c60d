import type { Readable } from 'node:stream';
import { HOME, WORKSPACE } from '../../container-paths.js';
import { formatBytes } from '../../util/format.js';
import { type CopyStats, OwnedTar } from '../../workspace/tar.js';
import { addWorkspace } from '../../workspace/workspace.js';
import { readContainerFile } from '../container-files.js';
import { addHome, remapAgentUser } from '../home.js';
import { DEFAULT_UID } from '../plan.js';
import type { LaunchSteps } from './context.js';
import { type CreatedSession, gitOptions } from './create.js';
import type { CreatedObjects } from './created.js';
import { deliverPlanned } from './deliver.js';
import type { LaunchFacts } from './facts.js';

/**
 * Steps 3 to 5, fill the workspace, wire git, start: one archive holds everything that lands in
 * the container's own file system (home, /etc/passwd) and, without a helper, the workspace with
 * its git wiring; the helper copies the workspace into the volume meanwhile. The container starts
 * while the files stream in (after the archive, with a helper: Docker 20.10 locks the container
 * for both).
 */
export async function fillAndStart(
  facts: LaunchFacts,
  session: CreatedSession,
  created: CreatedObjects,
  volumeRoot: { resolve: () => void; reject: (error: unknown) => void },
  steps: LaunchSteps,
): Promise<CopyStats> {
  const { engine, signal } = steps.deps;
  const { plan, agent, repo } = facts;
  const { id, bind } = session;
  steps.progress({ step: 'copy', message: 'copying the workspace', state: 'start' });
  const tar = new OwnedTar(
    plan.user,
    bind
      ? undefined
      : (stats) =>
          steps.progress({
            step: 'copy',
            message: `copying the workspace: ${stats.files} files, ${formatBytes(stats.bytes)}`,
          }),
  );
  const abortCopy = () => {
    tar.pack.destroy(new Error('interrupted'));
    // Stops a helper mid-copy (its run then ends), rather than waiting for it to finish.
    if (created.helper) engine.removeContainer(created.helper, { force: true }).catch(() => undefined);
  };
  signal?.addEventListener('abort', abortCopy, { once: true });
  const copiedReport = (files: number, bytes: number) => {
    steps.progress({ step: 'copy', message: `copied ${files} files (${formatBytes(bytes)})`, state: 'done' });
    steps.progress({
      step: 'git',
      message: `wiring git: branch ${plan.branch}, remote local`,
      state: 'start',
    });
  };
  const entries = await facts.entries;
  const writing = (async () => {
    if (plan.user.uid !== DEFAULT_UID || plan.user.gid !== DEFAULT_UID) {
      const [passwd, group] = await Promise.all([
        readContainerFile(engine, id, '/etc/passwd'),
        readContainerFile(engine, id, '/etc/group'),
      ]);
      const remapped = remapAgentUser(passwd, group, plan.user.uid, plan.user.gid);
      await tar.file('etc/passwd', remapped.passwd, 0o644);
      await tar.file('etc/group', remapped.group, 0o644);
    }
    if (bind) {
      // The volume's root, owned by the agent user: the helper copies into it as that user.
      await tar.dir(WORKSPACE.slice(1));
    } else {
      await addWorkspace(tar, {
        repo,
        git: gitOptions(facts),
        entries,
        prefix: WORKSPACE.slice(1),
        onGit: () => copiedReport(tar.stats.files, tar.stats.bytes),
      });
    }
    await addHome(tar, {
      prefix: HOME.slice(1),
      agent,
      plan,
      ...(facts.transform ? { transform: facts.transform } : {}),
      ...(facts.keychain ? { logins: [facts.keychain] } : {}),
    });
    tar.finish();
  })();
  writing.catch((error: unknown) => tar.pack.destroy(error as Error));
  const copyStart = performance.now();
  const since = () => `${Math.round(performance.now() - copyStart)} ms`;
  const archived = Promise.all([engine.putArchive(id, '/', tar.pack as unknown as Readable), writing]);
  archived.then(
    () => {
      steps.debug(`copy: archive in after ${since()}`);
      volumeRoot.resolve();
    },
    (error: unknown) => volumeRoot.reject(error),
  );
  const starting = bind ? archived.then(() => engine.startContainer(id)) : engine.startContainer(id);
  starting.then(() => steps.debug(`start: container started after ${since()}`)).catch(() => undefined);
  let copied: CopyStats;
  try {
    if (bind) {
      const [stats] = await Promise.all([bind.done, archived]);
      created.helper = undefined; // the engine removes it once it exits
      copiedReport(stats.files, stats.bytes);
      copied = { ...stats, skipped: [...stats.skipped, ...tar.stats.skipped] };
    } else {
      await archived;
      copied = tar.stats;
    }
  } finally {
    signal?.removeEventListener('abort', abortCopy);
  }
  steps.checkAbort();
  steps.progress({
    step: 'git',
    message: `on branch ${plan.branch}; git push lands in ${repo.root}`,
    state: 'done',
  });
  if (copied.skipped.length > 0) {
    steps.warn(
      `${copied.skipped.length} unreadable file(s) left out of the copy: ${copied.skipped.slice(0, 5).join(', ')}`,
    );
  }
  // Written with the archive, during the copy; reported after it, so step timings stay apart.
  steps.progress({ step: 'config', message: `writing ${agent.displayName} settings`, state: 'start' });
  steps.progress({
    step: 'config',
    message: `${agent.displayName} settings, logins and MCP servers in place`,
    state: 'done',
  });
  steps.progress({ step: 'start', message: 'starting', state: 'start' });
  await starting;
  // On an engine elsewhere: the logins and secrets file, over exec into the container's tmpfs.
  await deliverPlanned(engine, id, plan, (message) => steps.warn(message));
  steps.checkAbort();
  steps.progress({ step: 'start', message: `${plan.name} is ready`, state: 'done' });
  return copied;
}
