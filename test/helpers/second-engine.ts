import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './cli.js';

const run = promisify(execFile);
const script = path.join(repoRoot, 'test', 'setup', 'second-engine.sh');

/** Set by .ci/run to the DOCKER_HOST of the second engine it started (and stops at exit). */
export const SECOND_ENGINE_ENV = 'LAUNCH_AGENT_TEST_SECOND_ENGINE';

export interface SecondEngine {
  /** `unix:///…/docker.sock`: pass it as DOCKER_HOST. */
  dockerHost: string;
  /** The docker CLI against the second engine. */
  docker(...args: string[]): string;
  /** Restarts its dockerd, as a reboot of that machine would; resolves once it answers again. */
  restart(): Promise<void>;
  /** Stops it if this call started it; one started by .ci/run (or still running from before) stays. */
  stop(): Promise<void>;
}

/**
 * An engine that cannot see this machine's files (test/setup/second-engine.sh), with `images`
 * loaded into it. Call in beforeAll: starting one takes ~20 s, loading the claude chain ~45 s
 * (skipped for images it already has).
 */
export async function useSecondEngine(images: string[]): Promise<SecondEngine> {
  const given = process.env[SECOND_ENGINE_ENV];
  let dockerHost = given;
  let started = false;
  if (!dockerHost) {
    const running = await run('bash', [script, 'start', '--if-running']).catch(() => undefined);
    if (running) dockerHost = running.stdout.trim();
    else {
      dockerHost = (await sh('start')).trim();
      started = true;
    }
  }
  await sh('load', ...images);
  const host = dockerHost;
  return {
    dockerHost: host,
    docker: (...args) =>
      execFileSync('docker', ['--host', host, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      }).trim(),
    restart: async () => {
      await sh('restart');
    },
    stop: async () => {
      if (started) await sh('stop');
    },
  };
}

async function sh(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('bash', [script, ...args], { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`second-engine.sh ${args[0]} failed:\n${stderr ?? String(error)}`);
  }
}
