import { HOST_KNOWN_REFS, READY_MARK } from '../../container-paths.js';
import type { ContainerSpec } from '../../docker/engine.js';
import { Labels } from '../../docker/labels.js';
import { WORKSPACE_DIR } from './vscode.js';

/** Starts every line the keeper prints, so `logs` can leave them out. */
export const KEEPER_MARK = '@@launch-agent-keeper@@';

/**
 * Label value: the request/reply protocol below. Containers without the label get an exec.
 * 2 = 1 + the agent's activity (sessions/activity.ts): an extra reply line, and its own request.
 */
export const KEEPER_PROTOCOL = '2';
/** Keepers that answer `list` but know nothing of the agent's terminal session. */
const KEEPER_PROTOCOLS = new Set(['1', KEEPER_PROTOCOL]);
const REQUEST = 'launch-agent-status';
const ACTIVITY_REQUEST = 'launch-agent-activity';
/** The agent's terminal session (images/agents/launch-agent-session): tmux socket and session. */
export const TMUX_SOCKET = 'launch-agent';
export const TMUX_SESSION = 'agent';
/** Where launch-agent-activity (the agents' hooks) records their own word, in the agent's home. */
const SIGNAL_FILE = '$HOME/.launch-agent/activity';

/**
 * Protocol 2: before its status reply, and alone for an activity request, the keeper prints the
 * facts of the agent's terminal: \`<mark> <nonce>+ tmux <dead>:<status>:<signal> <now>
 * <last output> <hook word> <hook time>\`, or \`<mark> <nonce>+ none\` with no session. The \`+\`
 * keeps it out of protocol 1's reader (it looks for \`<nonce> \`). One tmux client per request, none
 * while no agent was ever started (the socket test is a builtin).
 */
export const KEEPER_ACTIVITY_SH = `activity() {
  # Found on first use, not at start: a keeper re-exec'd at the PID limit must not need a fork.
  [ -n "$la_sock" ] || la_sock=\${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/${TMUX_SOCKET}
  if [ -S "$la_sock" ] && la_t=$(tmux -L ${TMUX_SOCKET} display-message -p -t ${TMUX_SESSION} \\
    '#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal} %s #{window_activity}' 2>/dev/null); then
    la_s='- 0'
    if [ -f "${SIGNAL_FILE}" ]; then IFS= read -r la_s <"${SIGNAL_FILE}"; fi
    printf '${KEEPER_MARK} %s+ tmux %s %s\\n' "$1" "$la_t" "$la_s"
  else
    printf '${KEEPER_MARK} %s+ none\\n' "$1"
  fi
}`;

/**
 * The keeper: the container's main process (under tini), which keeps it up and answers `list`.
 *
 * Why: a `docker exec` per container costs the engine ~85 ms of CPU (runc starts a process in
 * the container's namespaces), so 20 containers took ~1 s of a 2-core machine. Attaching to the
 * main process's stdio starts nothing and costs the engine ~1 ms: the keeper reads one request
 * line per client on stdin and prints one reply line on stdout, tagged with the client's nonce,
 * so concurrent `list`s (each sees every reply) take only their own. Measured with 20
 * containers: 20 execs ~1000 ms wall and ~1700 ms engine CPU; 20 attaches ~100 ms and ~20 ms.
 *
 * It answers with counts only: 2 git processes (~8 ms in the container) where the full lists
 * `rm` prints take 5 (~13 ms). POSIX sh (dash, ~1 MB), so an idle container stays as small as
 * with `sleep infinity`, which it becomes when stdin ends (no OpenStdin). Requests are served one
 * at a time: a wedged git holds up only this container, and `list` gives up on it.
 *
 * It must outlive PID exhaustion (a runaway build at the container's PID limit): dash exits when
 * a fork fails, which would end the container and the agent with it. Its EXIT trap answers the
 * request in hand with a failure (`list` shows `-`) and execs a fresh keeper: exec needs no new
 * process. The script comes along as `$1` for that (see KEEPER_CONTAINER).
 */
export const KEEPER_SCRIPT = `# launch-agent keeper: keeps the container up; answers \`launch-agent list\` on stdin/stdout.
trap '[ -n "$nonce" ] && printf "${KEEPER_MARK} %s fail 254\\n" "$nonce"; exec sh -c "$1" launch-agent-keeper "$1"' EXIT
nonce=
${KEEPER_ACTIVITY_SH}
while IFS= read -r line; do
  case $line in
    '${REQUEST} '*) nonce=\${line#${REQUEST} } ask=status ;;
    '${ACTIVITY_REQUEST} '*) nonce=\${line#${ACTIVITY_REQUEST} } ask=activity ;;
    *) continue ;;
  esac
  case $nonce in '' | *[!0-9a-z]*) nonce= && continue ;; esac
  activity "$nonce"
  [ "$ask" = status ] || { nonce= && continue; }
  if state=$(
    exec 2>/dev/null
    cd ${WORKSPACE_DIR} || exit
    # HEAD on a branch (unborn too) is walked by --branches; a detached HEAD is walked itself.
    head=HEAD
    IFS= read -r ref <.git/HEAD
    case $ref in 'ref: '*) head= ;; esac
    # Ahead: commits the host repo does not have (refs/launch-agent records what it has).
    ahead=$(git rev-list --count $head --branches --not --glob=${HOST_KNOWN_REFS} --) || exit
    changes=$(git --no-optional-locks status --porcelain=v2 --show-stash --no-renames) || exit
    # The launch writes its ready mark last: without it the session never finished launching.
    if [ -e ${READY_MARK.dir}/${READY_MARK.file} ]; then ready=1; else ready=0; fi
    if [ -n "$changes" ]; then echo "$ahead 1 $ready"; else echo "$ahead 0 $ready"; fi
  ); then
    printf '${KEEPER_MARK} %s ok %s\\n' "$nonce" "$state"
  else
    printf '${KEEPER_MARK} %s fail %s\\n' "$nonce" "$?"
  fi
  nonce=
done
trap - EXIT
exec sleep infinity
`;

/**
 * What a launch gives the container for the keeper. Its replies also reach the log driver:
 * json-file capped at 2 x 1 MB (~20 000 lists a file), which `logs` reads whole and filters.
 */
export const KEEPER_CONTAINER = {
  cmd: ['sh', '-c', KEEPER_SCRIPT, 'launch-agent-keeper', KEEPER_SCRIPT],
  // Stdin stays open across clients (StdinOnce off): the keeper never sees EOF while running.
  openStdin: true,
  logConfig: { type: 'json-file', config: { 'max-size': '1m', 'max-file': '2' } },
} satisfies Partial<ContainerSpec>;

export const KEEPER_LABELS = { [Labels.keeper]: KEEPER_PROTOCOL };

export function hasKeeper(labels: Record<string, string>): boolean {
  return KEEPER_PROTOCOLS.has(labels[Labels.keeper] ?? '');
}

/** Launched with the agent in a terminal session (tmux) whose activity the keeper reports. */
export function hasAgentSession(labels: Record<string, string>): boolean {
  return labels[Labels.keeper] === KEEPER_PROTOCOL;
}

export function keeperRequest(nonce: string): string {
  if (!/^[0-9a-z]+$/.test(nonce)) throw new Error(`keeper nonce must be [0-9a-z]+, got \`${nonce}\``);
  return `${REQUEST} ${nonce}\n`;
}

/** `ready`: the launch finished (keepers before the ready mark do not say: undefined). */
export type KeeperReply =
  | { ok: true; ahead: number; uncommitted: boolean; ready?: boolean }
  | { ok: false; exitCode: number };

/**
 * The reply to `nonce` in the keeper's output (other clients' replies and any other output
 * around it), or undefined while its line is not complete.
 */
export function parseKeeperReply(output: string, nonce: string): KeeperReply | undefined {
  const start = output.indexOf(`${KEEPER_MARK} ${nonce} `);
  if (start < 0) return undefined;
  if (start > 0 && output[start - 1] !== '\n') return parseKeeperReply(output.slice(start + 1), nonce);
  const end = output.indexOf('\n', start);
  if (end < 0) return undefined;
  const [status, ...rest] = output
    .slice(start + KEEPER_MARK.length + nonce.length + 2, end)
    .trim()
    .split(' ');
  const flag = (word: string | undefined) => word !== undefined && /^[01]$/.test(word);
  if (
    status === 'ok' &&
    (rest.length === 2 || (rest.length === 3 && flag(rest[2]))) &&
    /^\d+$/.test(rest[0]!) &&
    flag(rest[1])
  ) {
    return {
      ok: true,
      ahead: Number(rest[0]),
      uncommitted: rest[1] === '1',
      ...(rest.length === 3 ? { ready: rest[2] === '1' } : {}),
    };
  }
  return { ok: false, exitCode: status === 'fail' && /^\d+$/.test(rest[0] ?? '') ? Number(rest[0]) : -1 };
}

/** `text` without the keeper's lines (whole lines: the log keeps each line as one entry). */
export function withoutKeeperLines(text: string): string {
  if (!text.includes(KEEPER_MARK)) return text;
  return text
    .split(/(?<=\n)/)
    .filter((line) => !line.startsWith(KEEPER_MARK))
    .join('');
}

export function keeperActivityRequest(nonce: string): string {
  return `${keeperRequest(nonce).replace(REQUEST, ACTIVITY_REQUEST)}`;
}

/** What the keeper reports of the agent's terminal session (see ACTIVITY_SH). */
export type ActivityFacts =
  | { session: false }
  | {
      session: true;
      dead: boolean;
      /** The agent's exit status once dead (null when a signal ended it). */
      exitStatus: number | null;
      /** Unix seconds in the container: now, the terminal's last output, the hook's word. */
      now: number;
      lastOutput: number;
      hook: { word: 'working' | 'waiting'; at: number } | undefined;
    };

/** The activity line for `nonce`, or undefined while it is not complete (or not there). */
export function parseActivityFacts(output: string, nonce: string): ActivityFacts | undefined {
  const tag = `${KEEPER_MARK} ${nonce}+ `;
  const start = output.indexOf(tag);
  if (start < 0 || (start > 0 && output[start - 1] !== '\n')) return undefined;
  const end = output.indexOf('\n', start);
  if (end < 0) return undefined;
  const fields = output
    .slice(start + tag.length, end)
    .trim()
    .split(' ');
  if (fields[0] !== 'tmux') return { session: false };
  const [, pane = '', now = '', last = '', word = '', at = ''] = fields;
  const [dead, status] = pane.split(':');
  const hookWord = word === 'working' || word === 'waiting' ? word : undefined;
  return {
    session: true,
    dead: dead === '1',
    exitStatus: /^\d+$/.test(status ?? '') ? Number(status) : null,
    now: Number(now) || 0,
    lastOutput: Number(last) || 0,
    hook: hookWord ? { word: hookWord, at: Number(at) || 0 } : undefined,
  };
}
