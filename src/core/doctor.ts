import { agents } from '../agents/registry.js';
import type { AgentDescriptor } from '../agents/types.js';
import { checkConfig } from './doctor/config-check.js';
import { checkEngine, checkImages } from './doctor/engine-checks.js';
import { checkCode, checkGit } from './doctor/host-checks.js';
import { checkLaunchPath } from './doctor/launch-path-check.js';
import { checkLogin } from './doctor/login-checks.js';
import { checkMtu } from './doctor/mtu-check.js';
import { checkSecretsFile } from './doctor/secrets-check.js';
import type { CheckStatus, DoctorCheck, DoctorDeps } from './doctor/types.js';

export type {
  CheckStatus,
  DoctorCheck,
  DoctorDeps,
  FileProbe,
  ImageState,
  RunResult,
} from './doctor/types.js';

export interface DoctorReport {
  /** False when any check failed (the CLI then exits non-zero). */
  ok: boolean;
  summary: Record<CheckStatus, number>;
  checks: DoctorCheck[];
}

/**
 * Every health check, in the order a user fixes things: engine, storage, MTU, images, the path a launch takes, git, config,
 * secrets, logins, VS Code. Never throws for a failed check: failures are data with a remedy.
 */
export async function runDoctor(
  deps: DoctorDeps,
  options: { agents?: readonly AgentDescriptor[] } = {},
): Promise<DoctorReport> {
  // The host checks do not need the engine: run them while it connects.
  const [engine, git, config, secrets, code] = await Promise.all([
    checkEngine(deps),
    checkGit(deps),
    checkConfig(deps),
    checkSecretsFile(deps),
    checkCode(deps),
  ]);
  const [images, mtu] = engine.engine
    ? await Promise.all([checkImages(deps, engine.engine), checkMtu(deps, engine.engine, engine.info)])
    : [[], []];
  const logins = await Promise.all(
    (options.agents ?? agents).map((agent) => checkLogin(agent, deps, secrets)),
  );
  const path = engine.engine && engine.info ? [checkLaunchPath(deps, engine.engine, engine.info)] : [];
  const checks = [
    ...engine.checks,
    ...mtu,
    ...images,
    ...path,
    git,
    ...config,
    secrets.check,
    ...logins,
    code,
  ];
  const summary: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0 };
  for (const check of checks) summary[check.status] += 1;
  return { ok: summary.fail === 0, summary, checks };
}
