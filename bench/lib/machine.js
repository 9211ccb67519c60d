import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { docker } from './docker.js';
import { run } from './proc.js';

/** What the numbers depend on: CPU, memory, engine, storage driver, versions. */
export async function machineFacts(ctx) {
  const info = JSON.parse((await docker(['info', '--format', '{{json .}}'])).stdout);
  const version = JSON.parse((await docker(['version', '--format', '{{json .}}'])).stdout);
  const backing = (info.DriverStatus ?? []).find(([key]) => key === 'Backing Filesystem')?.[1];
  const text = async (command, args) => (await run(command, args, { allowFailure: true })).stdout.trim();
  const root = ctx.root;
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
  return {
    nproc: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    kernel: os.release(),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    git: await text('git', ['--version']),
    launchAgent: `${pkg.version} (${await text('git', ['-C', root, 'rev-parse', '--short', 'HEAD'])})`,
    devcontainerCli: await text(ctx.devcontainerBin, ['--version']),
    engine: {
      server: info.ServerVersion,
      api: version.Server?.ApiVersion,
      client: version.Client?.Version,
      os: info.OperatingSystem,
      storageDriver: info.Driver,
      backingFilesystem: backing,
      cgroup: `v${info.CgroupVersion} (${info.CgroupDriver})`,
      cpus: info.NCPU,
      memoryBytes: info.MemTotal,
    },
    scratchFilesystem: await text('stat', ['-f', '-c', '%T', ctx.scratch]),
  };
}
