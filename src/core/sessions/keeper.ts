import { HOST_KNOWN_REFS } from '../../container-paths.js';
import type { ContainerSpec } from '../../docker/engine.js';
import { Labels } from '../../docker/labels.js';
import { WORKSPACE_DIR } from './vscode.js';

/** Starts every line the keeper prints, so `logs` can leave them out. */
export const KEEPER_MARK = '@@launch-agent-keeper@@';
/** Label value: the request/reply protocol below. Containers without the label get an exec. */
export const KEEPER_PROTOCOL = '1';
const REQUEST = 'launch-agent-status';

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
 */
export const KEEPER_SCRIPT = `# launch-agent keeper: keeps the container up; answers \`launch-agent list\` on stdin/stdout.
while IFS= read -r line; do
  case $line in
    '${REQUEST} '*) nonce=\${line#${REQUEST} } ;;
    *) continue ;;
  esac
  case $nonce in '' | *[!0-9a-z]*) continue ;; esac
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
    if [ -n "$changes" ]; then echo "$ahead 1"; else echo "$ahead 0"; fi
  ); then
    printf '${KEEPER_MARK} %s ok %s\\n' "$nonce" "$state"
  else
    printf '${KEEPER_MARK} %s fail %s\\n' "$nonce" "$?"
  fi
done
exec sleep infinity
`;

/**
 * What a launch gives the container for the keeper. Its replies also reach the log driver:
 * json-file capped at 2 x 1 MB (~20 000 lists a file), which `logs` reads whole and filters.
 */
export const KEEPER_CONTAINER = {
  cmd: ['sh', '-c', KEEPER_SCRIPT],
  // Stdin stays open across clients (StdinOnce off): the keeper never sees EOF while running.
  openStdin: true,
  logConfig: { type: 'json-file', config: { 'max-size': '1m', 'max-file': '2' } },
} satisfies Partial<ContainerSpec>;

export const KEEPER_LABELS = { [Labels.keeper]: KEEPER_PROTOCOL };

export function hasKeeper(labels: Record<string, string>): boolean {
  return labels[Labels.keeper] === KEEPER_PROTOCOL;
}

export function keeperRequest(nonce: string): string {
  if (!/^[0-9a-z]+$/.test(nonce)) throw new Error(`keeper nonce must be [0-9a-z]+, got \`${nonce}\``);
  return `${REQUEST} ${nonce}\n`;
}

export type KeeperReply = { ok: true; ahead: number; uncommitted: boolean } | { ok: false; exitCode: number };

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
  if (status === 'ok' && rest.length === 2 && /^\d+$/.test(rest[0]!) && /^[01]$/.test(rest[1]!)) {
    return { ok: true, ahead: Number(rest[0]), uncommitted: rest[1] === '1' };
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
