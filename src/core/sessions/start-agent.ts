import type { Engine } from '../../docker/engine.js';
import { LaunchError } from '../../errors.js';
import { type Activity, askActivity } from './activity.js';
import { joinCommand } from './agent-session.js';
import type { Session } from './resolve.js';

export interface StartedAgent {
  name: string;
  /** False when an agent already ran there (its arguments were then not used). */
  started: boolean;
  /** The login check's line(s) when it started: which login the agent uses, or what to do. */
  login: string | null;
  activity: Activity | null;
}

/** Starts the agent in its terminal session, without a terminal on it, unless one runs there. */
export async function startAgent(
  engine: Engine,
  session: Session,
  agentArgs: readonly string[],
  /** The host's COLORTERM: the session keeps its first client's environment for later joins. */
  colorTerm?: string,
): Promise<StartedAgent> {
  const before = await askActivity(engine, session.id, AbortSignal.timeout(10_000));
  if (before.activity !== null && before.activity !== 'exited') {
    return { name: session.name, started: false, login: null, activity: before.activity };
  }
  const { getAgent } = await import('../../agents/registry.js');
  const details = await engine.inspectContainer(session.id);
  const join = joinCommand({
    agent: getAgent(session.agent),
    agentArgs,
    memoryBytes: details?.memoryBytes ?? 0,
    term: undefined,
    colorTerm,
    size: { columns: 120, rows: 40 },
    mode: 'start',
  });
  const result = await engine.exec(session.id, { cmd: join.cmd, env: join.env });
  if (result.exitCode !== 0) {
    throw new LaunchError(
      'COMMAND_FAILED',
      `could not start the agent in ${session.name}: ${result.stderr.trim()}`,
    );
  }
  const after = await askActivity(engine, session.id, AbortSignal.timeout(10_000));
  return { name: session.name, started: true, login: result.stderr.trim() || null, activity: after.activity };
}
