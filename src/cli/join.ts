import { PassThrough } from 'node:stream';
import type { AgentActivity } from '../core/sessions/activity.js';
import type { Engine } from '../docker/engine.js';
import { runInTerminal } from './terminal.js';

export interface JoinTarget {
  id: string;
  name: string;
  agent: string;
}

export interface JoinOutcome {
  /** The session script's: 0 when the terminal left, the agent's code when it ended meanwhile. */
  exitCode: number;
  activity: AgentActivity | undefined;
}

/**
 * Joins the agent's terminal session from this terminal (starting the agent when none runs),
 * with a lifeline beside it so a closed terminal leaves no tmux client behind in the container.
 * The host terminal is restored on the way out.
 */
export async function joinAgent(
  engine: Engine,
  target: JoinTarget,
  options: { agentArgs: readonly string[]; memoryBytes?: number; say?: (line: string) => void },
): Promise<JoinOutcome> {
  const { getAgent } = await import('../agents/registry.js');
  const session = await import('../core/sessions/agent-session.js');
  const { askActivity } = await import('../core/sessions/activity.js');
  const memoryBytes = options.memoryBytes ?? (await engine.inspectContainer(target.id))?.memoryBytes ?? 0;
  const join = session.joinCommand({
    agent: getAgent(target.agent),
    agentArgs: options.agentArgs,
    memoryBytes,
    term: process.env.TERM,
    colorTerm: process.env.COLORTERM,
    size: { columns: process.stdout.columns || 80, rows: process.stdout.rows || 24 },
  });
  const lifelineIn = new PassThrough();
  const sink = new PassThrough().resume();
  const lifeline = engine
    .execStream(target.id, {
      cmd: session.lifelineCommand(join.clientId),
      tty: false,
      stdin: lifelineIn,
      stdout: sink,
      stderr: sink,
    })
    .catch(() => undefined);
  options.say?.(
    `joining ${target.name}: ${session.DETACH_KEY} leaves it running (\`launch-agent attach ${target.name}\` returns)`,
  );
  let exitCode: number;
  try {
    exitCode = await runInTerminal(engine, target.id, join.cmd, {
      env: join.env,
      detachKeys: session.ENGINE_DETACH_KEYS,
    });
  } catch (error) {
    process.stdout.write(session.terminalRestore(true));
    throw error;
  } finally {
    lifelineIn.end(session.LIFELINE_BYE);
  }
  // tmux restored the terminal; these modes cost nothing to reset again if the agent's client died.
  process.stdout.write(session.terminalRestore(false));
  await Promise.race([lifeline, new Promise((resolve) => setTimeout(resolve, 2000))]);
  const activity = await askActivity(engine, target.id, AbortSignal.timeout(5000)).catch(() => undefined);
  return { exitCode, activity };
}

/** The line after leaving: the agent exited, or it runs on. */
export function afterJoin(name: string, outcome: JoinOutcome): string {
  if (outcome.activity?.activity === 'exited') {
    const code = outcome.activity.exitCode;
    return `the agent in ${name} exited${code === null ? '' : ` (code ${code})`}: \`launch-agent attach ${name}\` starts it again, \`launch-agent rm ${name}\` when done`;
  }
  return `${name} keeps running: \`launch-agent attach ${name}\` to return, \`launch-agent logs ${name}\` for its output, \`launch-agent rm ${name}\` when done`;
}
