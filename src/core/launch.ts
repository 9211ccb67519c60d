import { GATE, WORKSPACE } from '../container-paths.js';
import { Labels } from '../docker/labels.js';
import { markSessionReady, pinSession } from '../git/host-gate.js';
import type { CopyMethod } from './launch/bind-copy.js';
import { interrupted, type LaunchDeps, LaunchSteps } from './launch/context.js';
import { createSession } from './launch/create.js';
import { CreatedObjects } from './launch/created.js';
import { prepareEgress } from './launch/egress.js';
import { gatherFacts } from './launch/facts.js';
import { fillAndStart } from './launch/fill.js';
import { ensureAgentImage, ensureProxyImage } from './launch/image.js';
import { projectImageFor } from './launch/project-image.js';
import { markReady } from './launch/ready.js';
import type { LaunchOptions } from './plan.js';

export type { LaunchDeps } from './launch/context.js';

export interface LaunchResult {
  name: string;
  id: string;
  agent: string;
  image: string;
  branch: string;
  workspace: { volume: string; path: string };
  /** `local` is the session's gate (in the container); `origin` the host repo's own. */
  remotes: Record<string, string>;
  source: string;
  repo: string;
  user: string;
  created: string;
  /** bridge, none or allowlist (then `egress NAME` shows what it reached). */
  network: string;
  /**
   * `method`: how the files got in (see CopyMethod in launch/bind-copy.ts); `history`: `shared`
   * when the workspace borrows the host's objects read-only, `copied` when it holds its own.
   */
  copied: {
    files: number;
    bytes: number;
    skipped: string[];
    method: CopyMethod;
    history: 'shared' | 'copied';
  };
  warnings: string[];
}

/**
 * The launch, as a row of steps: gather facts (nothing created yet) -> image -> pin the history
 * it borrows in the host repo -> create the volume and container -> fill the workspace and wire
 * git -> start. Anything this launch created is removed when a step fails or it is interrupted.
 */
export async function launch(options: LaunchOptions, deps: LaunchDeps): Promise<LaunchResult> {
  const steps = new LaunchSteps(deps);
  try {
    return await launchSteps(options, steps);
  } catch (error) {
    // Whatever step the interruption broke, the user sees one interruption, not its side effects.
    if (deps.signal?.aborted) throw interrupted();
    throw error;
  }
}

async function launchSteps(options: LaunchOptions, steps: LaunchSteps): Promise<LaunchResult> {
  const { deps } = steps;
  const facts = await gatherFacts(options, steps);
  const { plan, agent, repo } = facts;
  const agentImage = await (deps.ensureAgentImage ?? ((a, o, p) => ensureAgentImage(deps.engine, a, o, p)))(
    agent,
    options,
    deps.onProgress,
  );
  // `--image` is taken as it is; otherwise a repo's .launch-agent/Dockerfile or [image] adds a layer.
  const image = options.image
    ? agentImage
    : ((await projectImageFor(agent.name, agentImage, repo.root, deps)) ?? agentImage);
  steps.checkAbort();

  // allowlist: the proxy and its internal network, removed like the rest if the launch fails.
  await using egress = await prepareEgress({
    engine: deps.engine,
    plan,
    allowList: facts.allowList,
    progress: steps.progress,
    proxyImage: () =>
      (deps.ensureProxyImage ?? ((o, p) => ensureProxyImage(deps.engine, o, p)))(options, deps.onProgress),
  });
  await using created = new CreatedObjects(deps.engine);
  // The host keeps every object the workspace starts from (see pinSession), even after a gc.
  created.hostRefs = { gitDir: repo.commonDir, session: plan.name };
  const tips = [repo.head.commit, ...Object.values(repo.branches)].filter((c): c is string => Boolean(c));
  await pinSession(repo, plan.name, tips);
  const volumeRoot = deferred();
  const session = await createSession(facts, image, created, volumeRoot.promise, steps);
  const copied = await fillAndStart(facts, session, created, volumeRoot, steps);
  await egress.ready;
  await markReady(deps.engine, session.id);
  await markSessionReady(repo.commonDir, plan.name);
  steps.checkAbort();
  created.keep();
  egress.keep();

  const remotes: Record<string, string> = { local: GATE };
  if (repo.originUrl) remotes.origin = repo.originUrl;
  return {
    name: plan.name,
    id: session.id,
    agent: agent.name,
    image,
    branch: plan.branch,
    workspace: { volume: plan.volume, path: WORKSPACE },
    remotes,
    source: facts.source.value,
    repo: repo.root,
    user: `${plan.user.uid}:${plan.user.gid}`,
    created: plan.labels[Labels.created]!,
    network: plan.network,
    copied: {
      files: copied.files,
      bytes: copied.bytes,
      skipped: copied.skipped,
      method: session.bind ? 'bind' : 'stream',
      history: plan.shareObjects ? 'shared' : 'copied',
    },
    warnings: steps.warnings,
  };
}

/** Promise.withResolvers, which Node 20 lacks. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
