import { execFileSync } from 'node:child_process';

/** Integration and e2e tests need a real engine: fail loudly with the reason, never skip. */
export default function setup(): void {
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      stdio: 'pipe',
      timeout: 20_000,
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(
      `no Docker Engine answers (${detail.split('\n')[0]}). Start one (bash .ci/start-engine.sh) before running integration or e2e tests.`,
    );
  }
  const base = testBaseImage();
  try {
    execFileSync('docker', ['image', 'inspect', base], { stdio: 'pipe' });
  } catch {
    throw new Error(`the test base image ${base} is missing: run bash test/setup/make-base-image.sh ${base}`);
  }
}

export function testBaseImage(): string {
  return process.env.LAUNCH_AGENT_TEST_BASE_IMAGE ?? 'launch-agent-test/node:22-bookworm-slim';
}
