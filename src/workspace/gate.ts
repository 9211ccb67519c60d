import { GATE, HOST_KNOWN_REFS, WORKSPACE } from '../container-paths.js';

/**
 * The gate: a bare repo in the workspace's git dir that `git push` (remote `local`) writes to.
 * The host repo gets the work only by fetching from it (core/gate/sync.ts), so nothing the
 * container writes here can reach the host but branch tips that pass the host's own checks.
 *
 * Its hooks only make pushing pleasant (they run in the container, which may change them): the
 * pre-receive hook refuses what the host would never take, with the reason in `git push`'s
 * output; the post-receive hook tells the host a push arrived (a line on the keeper's stdout,
 * which the host's watcher follows) and prints what the host made of it.
 */

/** The container's stdout (the main process's), which the host's watcher follows. */
const NOTIFY = '/proc/1/fd/1';
/** Written by the host after each sync: `<sha> <ref> <what happened>`, one line per ref. */
export const GATE_REPORT = `${GATE}/launch-agent-landed`;
/** The keeper's line marker; the watcher reacts to `<mark> pushed`. */
export const PUSHED_LINE = 'pushed';

export interface GateFile {
  path: string;
  content: string;
  mode?: number;
}

export interface GatePlan {
  /** Relative to the workspace's `.git`. */
  files: GateFile[];
  dirs: string[];
}

/** The gate, as files under `.git/launch-agent-gate/`, holding the host's branches as of now. */
export function planGate(options: {
  agent: string;
  branch: string;
  /** The host's local branches, name -> commit. */
  hostBranches: Record<string, string>;
  /** The host's `shallow` file, when the repo is shallow. */
  shallow?: string | undefined;
  keeperMark: string;
}): GatePlan {
  const dir = GATE.slice(`${WORKSPACE}/.git/`.length);
  // Not the host's branches under the agent's prefix: the host fetches those from the gate, and
  // a copy of another session's branch here would read as this session's.
  const packed = Object.entries(options.hostBranches)
    .filter(([name]) => !name.startsWith(`${options.agent}/`))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, commit]) => `${commit} refs/heads/${name}`);
  const files: GateFile[] = [
    { path: `${dir}/HEAD`, content: `ref: refs/heads/${options.branch}\n` },
    {
      path: `${dir}/config`,
      content: [
        '[core]',
        '\trepositoryformatversion = 0',
        '\tbare = true',
        '\tlogAllRefUpdates = true',
        '[receive]',
        '\tautogc = false',
        '\tdenyNonFastForwards = false',
        '',
      ].join('\n'),
    },
    // Chained: the workspace's objects, which borrow the host's where the engine can mount them.
    { path: `${dir}/objects/info/alternates`, content: `${WORKSPACE}/.git/objects\n` },
    {
      path: `${dir}/packed-refs`,
      content: `# pack-refs with: peeled fully-peeled sorted \n${packed.join('\n')}\n`,
    },
    { path: `${dir}/hooks/pre-receive`, content: preReceive(options.agent), mode: 0o755 },
    { path: `${dir}/hooks/post-receive`, content: postReceive(options.keeperMark), mode: 0o755 },
  ];
  if (options.shallow !== undefined) files.push({ path: `${dir}/shallow`, content: options.shallow });
  return { files, dirs: [`${dir}/objects/pack`, `${dir}/refs/heads`, `${dir}/refs/tags`] };
}

function preReceive(agent: string): string {
  return `#!/bin/sh
# launch-agent gate: only branches under ${agent}/ go on to the host repo.
status=0
while read -r old new ref; do
  case $ref in
    refs/heads/${agent}/*) ;;
    *)
      echo "launch-agent: refused $ref: only branches under ${agent}/ reach the host repo (git push local HEAD:${agent}/<name>)" >&2
      status=1
      ;;
  esac
done
exit $status
`;
}

function postReceive(mark: string): string {
  return `#!/bin/sh
# launch-agent gate: tells the host a push arrived, then shows what the host made of it.
pushed=
while read -r old new ref; do
  case $new in *[!0]*) pushed="$pushed $new:$ref" ;; esac
done
[ -n "$pushed" ] || exit 0
printf '%s ${PUSHED_LINE}\\n' '${mark}' >${NOTIFY} 2>/dev/null || exit 0
i=0
while [ $i -lt 40 ]; do
  missing=
  for p in $pushed; do
    grep -q "^\${p%%:*} \${p#*:} " ${GATE_REPORT} 2>/dev/null || missing=1
  done
  [ -z "$missing" ] && break
  sleep 0.1
  i=$((i + 1))
done
for p in $pushed; do
  # What happened to it (landed, refused) over a later sync's "is in".
  line=$(grep "^\${p%%:*} \${p#*:} " ${GATE_REPORT} 2>/dev/null | grep -v ' is in ' | tail -n 1)
  [ -n "$line" ] || line=$(grep "^\${p%%:*} \${p#*:} " ${GATE_REPORT} 2>/dev/null | tail -n 1)
  if [ -n "$line" ]; then
    echo "launch-agent: \${line#* * }"
  else
    echo "launch-agent: \${p#*:refs/heads/} is in the gate; the host has not fetched it yet (on the host: launch-agent sync)"
  fi
done
exit 0
`;
}

/**
 * Workspace refs recording what the host repo has: its HEAD and branches at launch, then each
 * branch that landed. `list`'s ahead and `rm`'s guard count commits on none of them.
 */
export function hostKnownRefs(head: string | undefined, hostBranches: Record<string, string>): GateFile[] {
  const files: GateFile[] = [];
  if (head) files.push({ path: `${HOST_KNOWN_REFS}/base`, content: `${head}\n` });
  for (const [name, commit] of Object.entries(hostBranches)) {
    files.push({ path: `${HOST_KNOWN_REFS}/host/${name}`, content: `${commit}\n` });
  }
  return files;
}
