import type { ContainerDetails, Engine } from '../../docker/engine.js';
import { Labels } from '../../docker/labels.js';
import { LaunchError } from '../../errors.js';
import { removeEgress } from '../network/objects.js';
import type { LaunchPlan } from '../plan.js';
import { checkSession, describeLoss, isSafeToRemove, removeHelpersOf } from '../sessions/remove.js';
import { SESSION_FILTER, toSession } from '../sessions/resolve.js';

export async function claimName(engine: Engine, plan: LaunchPlan, replace: boolean): Promise<void> {
  const existing = await engine.inspectContainer(plan.name);
  if (existing) {
    if (!replace) {
      throw new LaunchError(
        'NAME_IN_USE',
        `a container named ${plan.name} already exists (${existing.state})`,
        {
          hint: `open it with \`launch-agent shell ${plan.name}\`, pick another feature with -b, or pass --replace to remove it and start afresh`,
        },
      );
    }
    await replaceContainer(engine, existing);
  }
  // A workspace volume without its container (say, removed with plain `docker rm`) may hold
  // work: never reuse or delete it silently.
  const volume = await engine.inspectVolume(plan.volume);
  if (volume) {
    throw new LaunchError(
      'NAME_IN_USE',
      `the workspace volume ${plan.volume} already exists without its container`,
      {
        hint: `copy out what you need, then \`docker volume rm ${plan.volume}\`; or pick another feature with -b`,
      },
    );
  }
}

/** --replace removes the old container and workspace, unless that would lose work. */
async function replaceContainer(engine: Engine, existing: ContainerDetails): Promise<void> {
  if (existing.labels[Labels.managed] !== 'true') {
    throw new LaunchError(
      'NAME_IN_USE',
      `the container ${existing.name} was not made by launch-agent; --replace leaves it alone`,
      {
        hint: 'choose another name with --name or -b',
      },
    );
  }
  const [summary] = (await engine.listContainers({ all: true, labels: SESSION_FILTER })).filter(
    (c) => c.id === existing.id,
  );
  const checked = summary ? await checkSession(engine, toSession(summary)) : undefined;
  if (!checked || !isSafeToRemove(checked)) {
    throw new LaunchError('UNPUSHED_WORK', `--replace would lose work in ${existing.name}`, {
      hint: `${checked ? `${describeLoss(checked)}\n` : ''}push it first (\`launch-agent exec ${existing.name} -- git push\`), or remove it knowingly: launch-agent rm --force ${existing.name}`,
    });
  }
  await engine.removeContainer(existing.id, { force: true });
  if (existing.labels[Labels.network] === 'allowlist') await removeEgress(engine, existing.name);
  const volume = existing.labels[Labels.volume];
  if (volume) {
    await removeHelpersOf(engine, volume);
    await engine.removeVolume(volume);
  }
}
