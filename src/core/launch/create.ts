import { WORKSPACE } from '../../container-paths.js';
import type { Engine } from '../../docker/engine.js';
import { Labels, managedLabels } from '../../docker/labels.js';
import { messageOf } from '../../errors.js';
import { KEEPER_CONTAINER, KEEPER_LABELS, KEEPER_MARK } from '../sessions/keeper.js';
import { type BindCopy, startBindCopy } from './bind-copy.js';
import type { LaunchSteps } from './context.js';
import type { CreatedObjects } from './created.js';
import { diskLimit } from './disk.js';
import type { LaunchFacts } from './facts.js';
import { launchLabel } from './ready.js';

export interface CreatedSession {
  id: string;
  /** The workspace copy's helper, when the engine mounts this machine's files. */
  bind: BindCopy | undefined;
}

/**
 * Step 2, create: the workspace volume, then the agent container and (on a local engine) the
 * copy's helper side by side. The helper starts at once and copies once `volumeRoot` resolves
 * (the fill step has made the volume's root the agent user's).
 */
export async function createSession(
  facts: LaunchFacts,
  image: string,
  created: CreatedObjects,
  volumeRoot: Promise<void>,
  steps: LaunchSteps,
): Promise<CreatedSession> {
  const { engine } = steps.deps;
  const { plan, agent, repo } = facts;
  const disk = await diskLimit(engine, plan.diskBytes);
  steps.progress({ step: 'create', message: `creating ${plan.name}`, state: 'start' });
  await engine.createVolume(
    plan.volume,
    managedLabels('volume', {
      [Labels.agent]: agent.name,
      [Labels.repo]: repo.name,
      [Labels.hostGitDir]: repo.commonDir,
      ...launchLabel(),
    }),
    disk?.volume,
  );
  created.volume = plan.volume;
  const [container, helper] = await Promise.allSettled([
    createAgentContainer(engine, facts, image, steps.deps.extraLabels, disk?.container),
    facts.copy.method === 'bind'
      ? startBindCopy(
          {
            engine,
            image,
            volume: plan.volume,
            repo,
            entries: await facts.entries,
            git: gitOptions(facts),
            user: plan.user,
            memoryBytes: plan.memoryBytes,
            forName: plan.name,
          },
          volumeRoot,
          (files, total) =>
            steps.progress({ step: 'copy', message: `copying the workspace: ${files}/${total} files` }),
          (message) => steps.debug(message),
        )
      : Promise.resolve(undefined),
  ]);
  if (helper.status === 'fulfilled' && helper.value) created.helper = helper.value.id;
  if (container.status === 'rejected') throw container.reason;
  created.container = container.value;
  let bind: BindCopy | undefined;
  if (helper.status === 'fulfilled') bind = helper.value;
  else if (!steps.deps.signal?.aborted) {
    // An engine that cannot mount the repo (it does not see this machine's files): stream it.
    const note = `copy: no helper container (${messageOf(helper.reason)}); streaming instead`;
    if (facts.copy.forced) steps.warn(note);
    else steps.debug(note);
  }
  steps.debug(`copy: ${bind ? 'bind' : 'stream'} (${facts.copy.reason})`);
  steps.progress({ step: 'create', message: `created ${plan.name}`, state: 'done' });
  steps.checkAbort();
  return { id: container.value, bind };
}

function createAgentContainer(
  engine: Engine,
  facts: LaunchFacts,
  image: string,
  extraLabels: Record<string, string> | undefined,
  storageOpt: Record<string, string> | undefined,
): Promise<string> {
  const { plan } = facts;
  return engine.createContainer({
    name: plan.name,
    image,
    labels: {
      ...plan.labels,
      [Labels.image]: image,
      ...KEEPER_LABELS,
      ...launchLabel(),
      ...(facts.usernsMode ? { [Labels.userns]: facts.usernsMode } : {}),
      ...extraLabels,
    },
    env: plan.env,
    // The keeper keeps it up and answers `list`; the agent runs through `docker exec`.
    ...KEEPER_CONTAINER,
    user: `${plan.user.uid}:${plan.user.gid}`,
    workingDir: WORKSPACE,
    hostname: plan.name.slice(0, 63),
    mounts: plan.mounts,
    nanoCpus: plan.nanoCpus,
    memoryBytes: plan.memoryBytes,
    pidsLimit: plan.pidsLimit,
    // After an engine restart or a reboot the session comes back, unless the user stopped it.
    restartPolicy: 'unless-stopped',
    ...(storageOpt ? { storageOpt } : {}),
    network: plan.containerNetwork,
    dnsOptions: plan.dnsOptions,
    securityOpt: plan.securityOpt,
    capDrop: plan.capDrop,
    capAdd: [],
    ...(facts.usernsMode ? { usernsMode: facts.usernsMode } : {}),
  });
}

/** How the workspace's git dir is made (the same for both copy methods). */
export function gitOptions(facts: LaunchFacts) {
  return {
    agent: facts.agent.name,
    branch: facts.plan.branch,
    shareObjects: facts.plan.shareObjects,
    keeperMark: KEEPER_MARK,
  };
}
