import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/setup/project-summary.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/setup/global-engine.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/setup/global-engine.ts'],
          testTimeout: 300_000,
          hookTimeout: 1_800_000,
          // Image builds and launches share two cores and one engine.
          fileParallelism: false,
        },
      },
      {
        test: {
          // The launch e2e subset against Podman (rootful and rootless), after the Docker suite:
          // .ci/start-podman.sh sets the engines up; images come from the Docker engine.
          name: 'podman',
          include: ['test/podman/**/*.test.ts'],
          globalSetup: ['test/setup/global-engine.ts'],
          testTimeout: 300_000,
          hookTimeout: 1_800_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
