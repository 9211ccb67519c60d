/** Where things live inside every session container; a leaf module anything may import. */

export const WORKSPACE = '/workspace';
export const HOME = '/home/agent';
/** Loads the secrets file, then execs: every command run in the container for the user goes through it. */
export const ENTRYPOINT = '/usr/local/bin/launch-agent-entrypoint';
export const AUTH_ROOT = '/run/launch-agent/auth';
export const SECRETS_MOUNT = '/run/launch-agent/secrets.env';
/**
 * The host repo's `objects/`, mounted read-only on a local engine: the workspace borrows its
 * history through `objects/info/alternates` instead of copying it.
 */
export const HOST_OBJECTS = '/run/launch-agent/host-objects';
/**
 * The gate: a bare repo the session owns, inside the workspace's git dir (so it lives and dies
 * with the workspace volume, out of the work tree). `git push` goes here; the host fetches from it.
 */
export const GATE = `${WORKSPACE}/.git/launch-agent-gate`;
/** Workspace refs the launcher keeps: what the host repo is known to have (see core/gate). */
export const HOST_KNOWN_REFS = 'refs/launch-agent';
/**
 * Written (root-owned, in the container's own file system) as the launch's last act: a session
 * without it never finished launching. A file of /etc, so it survives stop, start and restarts.
 */
export const READY_MARK = { dir: '/etc', file: 'launch-agent-ready' } as const;
