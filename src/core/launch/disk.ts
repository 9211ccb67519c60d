import type { Engine } from '../../docker/engine.js';
import { LaunchError } from '../../errors.js';

export interface DiskLimit {
  /** The workspace volume's driver options. */
  volume: Record<string, string>;
  /** The container's own writable layer (the home), as the storage driver takes it. */
  container: Record<string, string>;
}

/**
 * `--disk`: a quota on the workspace volume and the container's writable layer, which only some
 * storage can enforce: Docker's overlay2 on xfs mounted with project quotas (`pquota`), Podman's
 * overlay on xfs the same way. Anywhere else the launch stops before creating anything and says
 * why (the data root's file system), rather than launching without the limit the user asked for.
 */
export async function diskLimit(engine: Engine, bytes: number | undefined): Promise<DiskLimit | undefined> {
  if (bytes === undefined) return undefined;
  const info = await engine.info();
  const driver = info.storageDriver || 'unknown';
  const fs = info.backingFilesystem ?? 'unknown';
  const root = info.dataRoot ?? "the engine's data root";
  if (!/^overlay/.test(driver) || fs !== 'xfs') {
    throw new LaunchError(
      'DISK_LIMIT_UNSUPPORTED',
      `--disk needs storage that enforces quotas (overlay2 on xfs with pquota); this ${info.name} engine keeps ${root} on ${fs} with the ${driver} driver`,
      {
        hint: `launch without --disk (and remove \`disk\` from [defaults] in config.toml), or move the engine's data root to an xfs file system mounted with pquota (docs/reliability.md)`,
        details: { storageDriver: driver, backingFilesystem: fs, dataRoot: info.dataRoot ?? null },
      },
    );
  }
  const size = `${Math.floor(bytes / 1024)}k`;
  return { volume: { size }, container: { size } };
}
