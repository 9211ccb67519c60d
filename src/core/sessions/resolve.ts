import type { ContainerSummary } from '../../docker/engine.js';
import { GATE_PROTOCOL, Labels, managedLabels } from '../../docker/labels.js';
import { LaunchError } from '../../errors.js';
import { hasAgentSession } from './keeper.js';

/** The engine filter for our agent containers: by label, never by name pattern. */
export const SESSION_FILTER = managedLabels('container');

/** Our containers, optionally only those of one repo (its folder name, as `list` shows it). */
export function sessionFilter(options: { repo?: string } = {}): Record<string, string> {
  return options.repo ? { ...SESSION_FILTER, [Labels.repo]: options.repo } : SESSION_FILTER;
}

/** One agent container as the session commands see it (from its labels and engine state). */
export interface Session {
  id: string;
  name: string;
  agent: string;
  repo: string;
  source: string;
  branch: string;
  /** The host repo's git common dir, where the session's work lands (empty when unknown). */
  hostGitDir: string;
  /** Its work comes back through a gate the host fetches from (launched by this version or later). */
  gate: boolean;
  /** The workspace volume (`<name>-workspace`), removed with the container. */
  volume: string | null;
  image: string;
  /** `--network` it was launched with (bridge, none, allowlist); null for sessions older than the label. */
  network: string | null;
  /** Engine state: running, exited, created, paused, restarting, dead. */
  state: string;
  running: boolean;
  /** ISO time the launch recorded (falls back to the engine's creation time). */
  created: string;
  /** The agent runs in a terminal session that terminals join (launched with one: keeper 2). */
  agentSession: boolean;
}

export function toSession(c: ContainerSummary): Session {
  const label = (key: string) => c.labels[key] ?? '';
  return {
    id: c.id,
    name: c.name,
    agent: label(Labels.agent),
    repo: label(Labels.repo),
    source: label(Labels.source),
    branch: label(Labels.branch),
    hostGitDir: label(Labels.hostGitDir),
    gate: label(Labels.gate) === GATE_PROTOCOL,
    volume: c.labels[Labels.volume] || null,
    image: c.image,
    network: c.labels[Labels.network] || null,
    state: c.state,
    running: c.state === 'running',
    created: c.labels[Labels.created] || new Date(c.created * 1000).toISOString(),
    agentSession: hasAgentSession(c.labels),
  };
}

/**
 * A full name, else an unambiguous name prefix, else a full or >= 12-character id prefix,
 * among our containers only.
 */
export function matchSession(sessions: readonly Session[], query: string): Session {
  const exact = sessions.find((s) => s.name === query);
  if (exact) return exact;
  const byPrefix = sessions.filter((s) => s.name.startsWith(query));
  const candidates =
    byPrefix.length > 0 ? byPrefix : query.length >= 12 ? sessions.filter((s) => s.id.startsWith(query)) : [];
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) {
    throw new LaunchError('CONTAINER_NOT_FOUND', `no agent container named \`${query}\``, {
      hint:
        sessions.length === 0
          ? 'there are none yet: start one with `launch-agent <repo> --agent <name>`'
          : '`launch-agent list --all` shows them all',
      details: { query },
    });
  }
  const names = candidates.map((s) => s.name).sort();
  throw new LaunchError(
    'CONTAINER_AMBIGUOUS',
    `\`${query}\` matches ${names.length} containers: ${names.join(', ')}`,
    {
      hint: 'type more of the name',
      details: { query, candidates: names },
    },
  );
}

/** Sorted newest first, like `docker ps`. */
export function sortSessions(sessions: Session[]): Session[] {
  return sessions.sort((a, b) => b.created.localeCompare(a.created) || a.name.localeCompare(b.name));
}
