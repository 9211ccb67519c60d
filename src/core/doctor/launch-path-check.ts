import { hostname } from 'node:os';
import type { Engine, EngineInfo } from '../../docker/engine.js';
import { messageOf } from '../../errors.js';
import { ENGINE_LABELS, type EngineKind, engineKind, userMappingNote, usernsFor } from '../engine-profile.js';
import { COPY_SETTING, copyMethodBeforeEngine, copyMethodFromEngine } from '../launch/bind-copy.js';
import type { DoctorCheck, DoctorDeps } from './types.js';

/**
 * How `git push` in the container reaches the host repo on each engine: always through the
 * session's gate, which git on the host fetches from over the engine API (docs/way-back.md).
 */
export function wayBackNote(kind: EngineKind): { works: boolean; text: string } {
  if (kind === 'remote') {
    return {
      works: true,
      text: "`git push` goes to the session's gate; `launch-agent sync` fetches it into your repo over the engine API",
    };
  }
  return {
    works: true,
    text: "`git push` goes to the session's gate; git on this machine fetches it into your repo within seconds (or on `launch-agent sync`)",
  };
}

/**
 * Which path a launch takes on this engine, and why: how the workspace is copied in, which uid
 * the agent runs as (and the user namespace), and how its work comes back. The same rules the
 * launch applies (bind-copy.ts, engine-profile.ts), so what doctor says is what happens.
 */
export function checkLaunchPath(deps: DoctorDeps, engine: Engine, info: EngineInfo): DoctorCheck {
  const kind = engineKind(info, engine.endpoint);
  let copy: ReturnType<typeof copyMethodFromEngine>;
  try {
    copy =
      copyMethodBeforeEngine({
        setting: deps.host.env[COPY_SETTING],
        platform: deps.host.platform,
        endpoint: engine.endpoint,
      }) ?? copyMethodFromEngine(info, deps.hostname ?? hostname());
  } catch (error) {
    return {
      name: 'launch-path',
      status: 'fail',
      detail: messageOf(error),
      remedy: `unset ${COPY_SETTING} or set it to auto, bind or stream`,
    };
  }
  const userns = usernsFor(kind);
  const wayBack = wayBackNote(kind);
  const detail = [
    `${ENGINE_LABELS[kind]}: the workspace is copied by ${copy.method === 'bind' ? 'a helper container (bind mount, in-kernel copy)' : 'a tar stream through the engine API'} because ${copy.reason}`,
    userMappingNote(kind, deps.host.platform),
    wayBack.text,
  ].join('; ');
  // Rootless engines need cgroup v2 (with delegation) to apply CPU, memory and PID limits.
  const noLimits = info.rootless && info.cgroupVersion === '1';
  const check: DoctorCheck = {
    name: 'launch-path',
    status: wayBack.works && !noLimits ? 'ok' : 'warn',
    detail: noLimits
      ? `${detail}; on cgroup v1 a rootless engine drops the CPU, memory and PID limits`
      : detail,
    facts: {
      engineKind: kind,
      copy: copy.method,
      copyReason: copy.reason,
      userns: userns ?? null,
      pushToHost: wayBack.works,
      limits: !noLimits,
    },
  };
  if (noLimits) {
    check.remedy =
      'boot with cgroup v2 (systemd.unified_cgroup_hierarchy=1) so the limits apply, or use a rootful engine';
  }
  return check;
}
