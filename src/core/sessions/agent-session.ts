import { randomBytes } from 'node:crypto';
import type { AgentDescriptor } from '../../agents/types.js';
import { ENTRYPOINT } from '../plan.js';
import { TMUX_SESSION, TMUX_SOCKET } from './keeper.js';

/**
 * The launcher's side of the agent's terminal session (images/agents/launch-agent-session): one
 * agent process per container, in tmux, that terminals join and leave. Pure: commands and env.
 */
export const SESSION_SCRIPT = '/usr/local/bin/launch-agent-session';
/** Leaves the session, the agent running on (images/agents/launch-agent-tmux.conf binds it). */
export const DETACH_KEY = 'Ctrl-]';
/**
 * The engine's own detach sequence, in stdin of the exec: by default Ctrl-P Ctrl-Q, which agents
 * use and which cut the exec off mid-session. This one no one types; tmux's key leaves instead.
 */
export const ENGINE_DETACH_KEYS = 'ctrl-^,ctrl-_,ctrl-^,ctrl-_';

export interface JoinRequest {
  agent: AgentDescriptor;
  /** After `--`: given to the agent when this join starts it (not when it already runs). */
  agentArgs: readonly string[];
  /** The container's memory limit (for agents that size themselves by RAM). */
  memoryBytes: number;
  /** The host terminal's: TERM, COLORTERM, size. */
  term: string | undefined;
  colorTerm: string | undefined;
  size: { columns: number; rows: number };
  /** `start` starts the agent without joining (no terminal needed). */
  mode?: 'attach' | 'start';
}

export interface JoinCommand {
  cmd: string[];
  env: string[];
  /** Names this terminal for the lifeline (see lifelineCommand). */
  clientId: string;
}

/** The exec that joins (starting the agent first when none runs), through the entrypoint (secrets). */
export function joinCommand(request: JoinRequest, clientId = randomBytes(6).toString('hex')): JoinCommand {
  const { agent } = request;
  const env = [
    `LAUNCH_AGENT_AGENT=${agent.name}`,
    `TERM=${request.term || 'xterm-256color'}`,
    `LAUNCH_AGENT_SIZE=${request.size.columns}x${request.size.rows}`,
    `LAUNCH_AGENT_CLIENT=${clientId}`,
    ...(request.colorTerm ? [`COLORTERM=${request.colorTerm}`] : []),
    ...(request.agentArgs.length > 0 ? ['LAUNCH_AGENT_USER_ARGS=1'] : []),
    ...Object.entries(agent.agentEnv?.({ memoryBytes: request.memoryBytes }) ?? {}).map(
      ([key, value]) => `${key}=${value}`,
    ),
  ];
  return {
    cmd: [ENTRYPOINT, SESSION_SCRIPT, request.mode ?? 'attach', ...agentCommand(agent, request.agentArgs)],
    env,
    clientId,
  };
}

/** What the terminal runs: the agent (after its prelude, if it has one) with the user's arguments. */
export function agentCommand(agent: AgentDescriptor, agentArgs: readonly string[]): string[] {
  const command = [...agent.interactive, ...agentArgs];
  if (!agent.interactivePrelude) return command;
  return ['sh', '-c', `${agent.interactivePrelude}; exec "$@"`, agent.name, ...command];
}

/** Where the session script keeps the login check's output of the agent's last start. */
export const LOGIN_LINE_FILE = '$HOME/.launch-agent/login';

/** Runs beside a join, stdin open: ends that join's tmux client when the launcher vanishes. */
export function lifelineCommand(clientId: string): string[] {
  return [SESSION_SCRIPT, 'lifeline', clientId];
}

/** Says the launcher left normally, so the lifeline leaves the client alone. */
export const LIFELINE_BYE = 'bye\n';

const tmux = ['tmux', '-L', TMUX_SOCKET];

/** The agent's screen history and screen, as text (lines joined where the terminal wrapped them). */
export const CAPTURE_COMMAND = [
  ...tmux,
  'capture-pane',
  '-p',
  '-J',
  '-S',
  '-',
  '-E',
  '-',
  '-t',
  TMUX_SESSION,
];

/** `logs`: the login check's line of the agent's last start, then its screen (fails without a session). */
const CAPTURE_WITH_LOGIN = `cat "${LOGIN_LINE_FILE}" 2>/dev/null; ${CAPTURE_COMMAND.join(' ')}`;
export const LOGS_COMMAND = ['sh', '-c', CAPTURE_WITH_LOGIN];

/** Between two captures in `logs -f`'s output (a byte no screen text holds). */
export const CAPTURE_SEPARATOR = '\x1e';

/**
 * `logs -f`: one capture a second while the session lasts, each followed by the separator line,
 * until stdin (the launcher's connection) ends: then the loop goes too, leaving nothing behind.
 */
export function followCommand(intervalSeconds = 1): string[] {
  const loop = `while ${CAPTURE_WITH_LOGIN}; do printf '\\036\\n'; sleep ${intervalSeconds}; done`;
  return ['sh', '-c', `(${loop}) & cat >/dev/null; kill $! 2>/dev/null`];
}

/**
 * Sent to the host terminal after a join that did not end cleanly (tmux restores it itself when
 * it leaves normally): mouse reporting, focus events, bracketed paste, modifyOtherKeys, keypad and
 * cursor-key modes off, cursor shown; `leaveAlternate` also leaves the alternate screen.
 */
export function terminalRestore(leaveAlternate: boolean): string {
  const modes = [
    '?1000l',
    '?1002l',
    '?1003l',
    '?1005l',
    '?1006l',
    '?1015l',
    '?1004l',
    '?2004l',
    '>4m',
    '?1l',
    '?25h',
  ];
  return `${leaveAlternate ? '\x1b[?1049l' : ''}${modes.map((m) => `\x1b[${m}`).join('')}\x1b>`;
}
