import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { DockerodeEngine } from '../../../src/docker/dockerode-engine.js';

const endpoint = (url: string, source: string) =>
  ({
    url,
    protocol: 'tcp',
    host: 'no-such-host.invalid',
    port: 2375,
    source,
  }) as unknown as ConstructorParameters<typeof DockerodeEngine>[0];
const transport = (code: string) =>
  Object.assign(new Error(`getaddrinfo ${code} no-such-host.invalid`), { code, syscall: 'getaddrinfo' });

describe('engine errors a user sees', () => {
  it('a DOCKER_HOST whose name does not resolve: said in words, with what to fix, never raw getaddrinfo', () => {
    const engine = new DockerodeEngine(
      endpoint('tcp://no-such-host.invalid:2375', 'DOCKER_HOST'),
      {} as Docker,
    );
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      const error = engine.mapError('list containers', transport(code));
      expect(error.code).toBe('ENGINE_UNREACHABLE');
      expect(error.message).toBe(
        `cannot reach the container engine at tcp://no-such-host.invalid:2375 (${code})`,
      );
      expect(error.hint).toBe(
        "the engine's host name does not resolve: fix it in DOCKER_HOST, or unset DOCKER_HOST to use the default socket",
      );
    }
    const fromContext = new DockerodeEngine(
      endpoint('tcp://x.invalid:2375', 'docker context ci'),
      {} as Docker,
    );
    expect(fromContext.mapError('info', transport('ENOTFOUND')).hint).toContain(
      'fix it in the docker context',
    );
  });
});
