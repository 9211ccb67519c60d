import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agents } from '../../../src/agents/registry.js';
import { EXTRA_CA_MARKER } from '../../../src/core/images/context.js';
import { defaultImagesDir } from '../../../src/core/images.js';

// The Dockerfiles and scripts restate facts of the agent descriptors; these keep them in step.
const read = (...parts: string[]) => readFileSync(path.join(defaultImagesDir, ...parts), 'utf8');
const host = { env: {}, platform: 'linux' as const, homedir: '/home/agent' };

describe('images/ matches the agent registry', () => {
  const agentsDockerfile = read('agents', 'Dockerfile');
  const loginCheck = read('agents', 'launch-agent-login-check');

  it('base keeps the CA marker and the build argument', () => {
    const base = read('base', 'Dockerfile');
    expect(base).toContain('ARG BASE_IMAGE=node:22-bookworm-slim');
    expect(base.split('\n').some((line) => line.startsWith(EXTRA_CA_MARKER))).toBe(true);
  });

  for (const agent of agents) {
    describe(agent.name, () => {
      it('is installed in the agents image with its version build argument', () => {
        expect(agentsDockerfile).toContain(`ARG ${agent.versionArg}=latest`);
        expect(agentsDockerfile).toContain(`"${agent.npmPackage}@\${${agent.versionArg}}"`);
      });

      it('has a build stage of its own, so its update re-installs nothing else', () => {
        const stage = agentsDockerfile
          .split(/^FROM /m)
          .find((s) => s.startsWith(`\${BASE} AS ${agent.name}\n`));
        expect(stage).toBeDefined();
        expect(stage?.match(/^ARG /gm)).toHaveLength(1);
        expect(stage).toContain(`ARG ${agent.versionArg}=latest`);
        expect(agentsDockerfile).toContain(
          `COPY --from=${agent.name} /opt/agents/${agent.name} /opt/agents/${agent.name}`,
        );
      });

      it('has a tiny per-agent Dockerfile that checks the login, then runs the interactive command', () => {
        const dockerfile = read(agent.name, 'Dockerfile');
        expect(dockerfile).toContain('FROM ${AGENTS}');
        expect(dockerfile).toContain(`ENV LAUNCH_AGENT_AGENT=${agent.name}`);
        expect(dockerfile).toContain('USER agent');
        expect(dockerfile).toContain(
          `launch-agent-login-check ${agent.name}; exec ${agent.interactive.join(' ')}"]`,
        );
        expect(dockerfile.split('\n').filter((line) => /^[A-Z]+ /.test(line)).length).toBeLessThanOrEqual(6);
      });

      it('has a login-check entry with its token variables and login files', () => {
        const entry =
          new RegExp(`\\n  ${agent.name}\\)\\n([^;]*(?:;(?!;)[^;]*)*);;`).exec(loginCheck)?.[1] ?? '';
        expect(entry).toContain(`tokens="${agent.tokenEnv.join(' ')}"`);
        const files = /files="([^"]*)"/.exec(entry)?.[1] ?? '';
        for (const location of agent.authLocations(host).filter((l) => l.credentialFiles.length > 0)) {
          const name = location.kind === 'dir' ? `${location.homePath}/hosts.yml` : location.homePath;
          expect(files).toContain(path.posix.basename(name));
        }
      });
    });
  }
});
