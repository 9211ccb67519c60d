import { randomBytes } from 'node:crypto';
import type { Engine } from '../../docker/engine.js';
import { LaunchError } from '../../errors.js';
import {
  type ActivityFacts,
  KEEPER_ACTIVITY_SH,
  keeperActivityRequest,
  parseActivityFacts,
} from './keeper.js';
import type { Session } from './resolve.js';

/** What the agent is doing; null when no agent runs in the container (never started, stopped). */
export type Activity = 'working' | 'waiting' | 'idle' | 'exited';

export interface AgentActivity {
  activity: Activity | null;
  /** The agent's exit code once `exited` (null while it runs, or when a signal ended it). */
  exitCode: number | null;
}

/** Every agent redraws at least this often while it works (spinners, timers): quieter is not work. */
export const QUIET_SECONDS = 4;

/**
 * From the keeper's facts: the terminal says whether the agent is producing output, the agent's
 * own hooks (Claude Code, Gemini CLI, Codex notify) say whether it waits for the user. Output in
 * the last QUIET_SECONDS is work (the user typing too); a quiet agent is waiting when its last
 * word was that it waits, working when it said it works (a silent tool run), else idle.
 */
export function activityOf(facts: ActivityFacts | undefined): AgentActivity {
  if (!facts?.session) return { activity: null, exitCode: null };
  if (facts.dead) return { activity: 'exited', exitCode: facts.exitStatus };
  if (facts.now - facts.lastOutput < QUIET_SECONDS) return { activity: 'working', exitCode: null };
  return { activity: facts.hook?.word ?? 'idle', exitCode: null };
}

/**
 * Asks the keeper of a running container (no process is started for it but one tmux client);
 * on Podman, whose attach the keeper cannot answer (see listSessions), the same check runs
 * through exec.
 */
export async function askActivity(engine: Engine, id: string, signal?: AbortSignal): Promise<AgentActivity> {
  const nonce = randomBytes(8).toString('hex');
  if ((await engine.product?.().catch(() => undefined)) === 'Podman') {
    const result = await engine.exec(id, {
      cmd: ['sh', '-c', `${KEEPER_ACTIVITY_SH}\nactivity ${nonce}`],
      ...(signal ? { signal } : {}),
    });
    return activityOf(parseActivityFacts(result.stdout, nonce));
  }
  let facts: ActivityFacts | undefined;
  await engine.attachRequest(id, {
    input: keeperActivityRequest(nonce),
    until: (stdout) => {
      facts = parseActivityFacts(stdout, nonce);
      return facts !== undefined;
    },
    ...(signal ? { signal } : {}),
  });
  return activityOf(facts);
}

export interface WaitResult extends AgentActivity {
  name: string;
}

/**
 * `wait`: until the agent waits for the user (waiting, idle) or exits, asking once a `pollMs`.
 * Rejects when no agent runs there, and with TIMEOUT after `timeoutMs`.
 */
export async function waitForAgent(
  engine: Engine,
  session: Session,
  options: { pollMs?: number; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<WaitResult> {
  if (!session.running || !session.agentSession) {
    throw new LaunchError('AGENT_NOT_RUNNING', `${session.name} has no agent session to wait for`, {
      hint: session.running
        ? `it was launched before agent sessions: \`launch-agent attach ${session.name}\` runs the agent in the terminal`
        : `start it with \`launch-agent start ${session.name}\`, then \`launch-agent attach ${session.name}\``,
    });
  }
  const deadline =
    options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const now = await askActivity(engine, session.id, AbortSignal.timeout(10_000));
    if (now.activity === null) {
      throw new LaunchError('AGENT_NOT_RUNNING', `no agent runs in ${session.name}`, {
        hint: `\`launch-agent attach ${session.name}\` starts it`,
      });
    }
    if (now.activity !== 'working') return { name: session.name, ...now };
    if (Date.now() >= deadline) {
      throw new LaunchError('TIMEOUT', `${session.name}: the agent is still working`, {
        hint: 'wait longer (--timeout), or look at it with `launch-agent logs`',
        details: { name: session.name, activity: now.activity },
      });
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(options.pollMs ?? 1000, deadline - Date.now())),
    );
  }
}
