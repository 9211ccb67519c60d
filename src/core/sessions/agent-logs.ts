import { PassThrough, type Writable } from 'node:stream';
import type { Engine } from '../../docker/engine.js';
import { LaunchError } from '../../errors.js';
import { CAPTURE_SEPARATOR, followCommand, LOGS_COMMAND } from './agent-session.js';
import type { Session } from './resolve.js';

export interface AgentLogsRequest {
  follow?: boolean;
  tail?: number;
  stdout: Writable;
  /** Ends `follow` (it also ends when the session does). */
  signal?: AbortSignal;
}

/**
 * `logs` of a container with an agent session: what the agent printed, as the text of its
 * terminal (screen history, then the screen); `follow` then prints what settles on it.
 */
export async function agentLogs(engine: Engine, session: Session, request: AgentLogsRequest): Promise<void> {
  if (!session.running) {
    throw new LaunchError(
      'CONTAINER_NOT_RUNNING',
      `${session.name} is ${session.state}: its agent's screen went with it`,
      {
        hint: `\`launch-agent start ${session.name}\`, then \`launch-agent attach ${session.name}\` starts the agent again`,
      },
    );
  }
  const screen = new ScreenFollower(request.tail);
  const first = await engine.exec(session.id, { cmd: LOGS_COMMAND });
  if (first.exitCode !== 0) throw notStarted(session);
  request.stdout.write(screen.next(screenLines(first.stdout)).join(''));
  if (!request.follow) return;
  // stdin held open: when this launcher goes, the loop in the container ends too.
  const stdin = new PassThrough();
  let pending = '';
  const out = new PassThrough().setEncoding('utf8');
  out.on('data', (chunk: string) => {
    pending += chunk;
    const mark = `${CAPTURE_SEPARATOR}\n`;
    for (let at = pending.indexOf(mark); at >= 0; at = pending.indexOf(mark)) {
      request.stdout.write(screen.next(screenLines(pending.slice(0, at))).join(''));
      pending = pending.slice(at + mark.length);
    }
  });
  try {
    await engine.execStream(session.id, {
      cmd: followCommand(),
      tty: false,
      stdin,
      stdout: out,
      stderr: new PassThrough().resume(),
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } catch (error) {
    if (!request.signal?.aborted) throw error;
  } finally {
    stdin.end();
  }
}

function notStarted(session: Session): LaunchError {
  return new LaunchError('AGENT_NOT_RUNNING', `the agent has not been started in ${session.name}`, {
    hint: `\`launch-agent attach ${session.name}\` starts it`,
  });
}

/** A capture's lines, trailing blank lines (the empty bottom of the screen) left out. */
export function screenLines(capture: string): string[] {
  const lines = capture.split('\n').map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * What `logs -f` prints of successive captures of the screen (history + screen). The first is
 * printed whole (its last `tail` lines with a tail); after that, lines that changed or came
 * since are printed once they held still between two captures, so a spinner or a clock prints
 * nothing until it stops, and a line that settles again differently is printed again.
 */
export class ScreenFollower {
  #printed: string[] | undefined;
  #previous: string[] = [];

  constructor(private readonly tail?: number) {}

  /** The lines to print (each ending in a newline) for the next capture. */
  next(capture: string[]): string[] {
    const previous = this.#previous;
    this.#previous = capture;
    if (this.#printed === undefined) {
      this.#printed = capture;
      const shown = this.tail === undefined ? capture : this.tail > 0 ? capture.slice(-this.tail) : [];
      return shown.map((line) => `${line}\n`);
    }
    const stable = firstDifference(previous, capture);
    const from = firstDifference(this.#printed, capture);
    if (from >= stable) return [];
    this.#printed = [...capture.slice(0, stable)];
    return capture.slice(from, stable).map((line) => `${line}\n`);
  }
}

function firstDifference(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  // One is a prefix of the other: lines past it are new in the longer one, and not yet stable.
  return n;
}
