import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ConnectEnvironment,
  contextId,
  defaultSocketCandidates,
  parseDockerHost,
  resolveEndpoint,
} from '../../../src/docker/connect.js';

/** A host with only the given files; nothing touches the real file system. */
function fakeHost(
  options: {
    env?: Record<string, string>;
    platform?: NodeJS.Platform;
    homedir?: string;
    files?: Record<string, string>;
  } = {},
): ConnectEnvironment {
  const files = options.files ?? {};
  return {
    env: options.env ?? {},
    platform: options.platform ?? 'linux',
    homedir: options.homedir ?? '/home/me',
    exists: (file) => file in files,
    readFile: (file) => {
      const text = files[file];
      if (text === undefined) throw new Error(`ENOENT: ${file}`);
      return text;
    },
  };
}

const sha = (name: string) => createHash('sha256').update(name).digest('hex');

function contextFiles(
  configDir: string,
  name: string,
  endpoint: Record<string, unknown>,
  tlsFiles: string[] = [],
): Record<string, string> {
  const files: Record<string, string> = {
    [`${configDir}/contexts/meta/${sha(name)}/meta.json`]: JSON.stringify({
      Name: name,
      Metadata: {},
      Endpoints: { docker: endpoint },
    }),
  };
  for (const file of tlsFiles) files[`${configDir}/contexts/tls/${sha(name)}/docker/${file}`] = 'PEM';
  return files;
}

describe('DOCKER_HOST', () => {
  it('unix:// gives the socket path', () => {
    const endpoint = resolveEndpoint(fakeHost({ env: { DOCKER_HOST: 'unix:///tmp/x/docker.sock' } }));
    expect(endpoint).toEqual({
      url: 'unix:///tmp/x/docker.sock',
      protocol: 'unix',
      socketPath: '/tmp/x/docker.sock',
      source: 'DOCKER_HOST',
    });
  });

  it('beats DOCKER_CONTEXT, the current context and the default sockets', () => {
    const host = fakeHost({
      env: { DOCKER_HOST: 'unix:///tmp/none.sock', DOCKER_CONTEXT: 'remote' },
      files: {
        '/var/run/docker.sock': '',
        '/home/me/.docker/config.json': JSON.stringify({ currentContext: 'remote' }),
        ...contextFiles('/home/me/.docker', 'remote', { Host: 'tcp://remote:2375' }),
      },
    });
    expect(resolveEndpoint(host).socketPath).toBe('/tmp/none.sock');
  });

  it('an empty DOCKER_HOST is ignored', () => {
    const host = fakeHost({ env: { DOCKER_HOST: '' }, files: { '/var/run/docker.sock': '' } });
    expect(resolveEndpoint(host).source).toBe('default socket');
  });

  it('tcp:// without TLS is plain HTTP on 2375 by default', () => {
    expect(resolveEndpoint(fakeHost({ env: { DOCKER_HOST: 'tcp://10.0.0.5' } }))).toEqual({
      url: 'tcp://10.0.0.5',
      protocol: 'tcp',
      host: '10.0.0.5',
      port: 2375,
      source: 'DOCKER_HOST',
    });
    const withPort = resolveEndpoint(fakeHost({ env: { DOCKER_HOST: 'tcp://engine.example:12375' } }));
    expect(withPort).toMatchObject({ host: 'engine.example', port: 12375 });
    expect(withPort.tls).toBeUndefined();
  });

  it('host:port without a scheme means tcp, as in the docker CLI', () => {
    expect(resolveEndpoint(fakeHost({ env: { DOCKER_HOST: 'localhost:2375' } }))).toMatchObject({
      protocol: 'tcp',
      host: 'localhost',
      port: 2375,
      url: 'tcp://localhost:2375',
    });
  });

  it('tcp:// with an IPv6 address gives the bare address', () => {
    expect(resolveEndpoint(fakeHost({ env: { DOCKER_HOST: 'tcp://[::1]:2375' } }))).toMatchObject({
      host: '::1',
      port: 2375,
    });
  });

  it('DOCKER_TLS_VERIFY turns on verified TLS, port 2376, certificates from DOCKER_CERT_PATH', () => {
    const host = fakeHost({
      env: { DOCKER_HOST: 'tcp://engine.example', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' },
      files: { '/certs/ca.pem': 'PEM', '/certs/cert.pem': 'PEM', '/certs/key.pem': 'PEM' },
    });
    expect(resolveEndpoint(host)).toEqual({
      url: 'tcp://engine.example',
      protocol: 'tcp',
      host: 'engine.example',
      port: 2376,
      tls: { ca: '/certs/ca.pem', cert: '/certs/cert.pem', key: '/certs/key.pem', verify: true },
      source: 'DOCKER_HOST',
    });
  });

  it('DOCKER_TLS_VERIFY without DOCKER_CERT_PATH reads certificates from the docker config dir', () => {
    const host = fakeHost({
      env: { DOCKER_HOST: 'tcp://engine.example:2376', DOCKER_TLS_VERIFY: '1' },
      files: {
        '/home/me/.docker/ca.pem': 'PEM',
        '/home/me/.docker/cert.pem': 'PEM',
        '/home/me/.docker/key.pem': 'PEM',
      },
    });
    expect(resolveEndpoint(host).tls).toEqual({
      ca: '/home/me/.docker/ca.pem',
      cert: '/home/me/.docker/cert.pem',
      key: '/home/me/.docker/key.pem',
      verify: true,
    });
    const moved = fakeHost({
      env: {
        DOCKER_HOST: 'tcp://engine.example:2376',
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CONFIG: '/etc/dockercfg',
      },
      files: { '/etc/dockercfg/ca.pem': 'PEM' },
    });
    expect(resolveEndpoint(moved).tls).toEqual({ ca: '/etc/dockercfg/ca.pem', verify: true });
  });

  it('leaves out certificate files that do not exist (the system CAs verify then)', () => {
    const host = fakeHost({
      env: { DOCKER_HOST: 'tcp://engine.example', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' },
      files: { '/certs/cert.pem': 'PEM', '/certs/key.pem': 'PEM' },
    });
    expect(resolveEndpoint(host).tls).toEqual({
      cert: '/certs/cert.pem',
      key: '/certs/key.pem',
      verify: true,
    });
  });

  it('DOCKER_CERT_PATH alone means TLS without verification; DOCKER_TLS_VERIFY=0 is off', () => {
    const certOnly = fakeHost({
      env: { DOCKER_HOST: 'tcp://engine.example', DOCKER_CERT_PATH: '/certs', DOCKER_TLS_VERIFY: '0' },
      files: { '/certs/ca.pem': 'PEM' },
    });
    expect(resolveEndpoint(certOnly)).toMatchObject({
      port: 2376,
      tls: { ca: '/certs/ca.pem', verify: false },
    });
    const none = fakeHost({ env: { DOCKER_HOST: 'tcp://engine.example', DOCKER_TLS_VERIFY: '0' } });
    expect(resolveEndpoint(none).tls).toBeUndefined();
  });

  it('https:// asks for TLS even without certificates', () => {
    expect(resolveEndpoint(fakeHost({ env: { DOCKER_HOST: 'https://engine.example' } }))).toMatchObject({
      protocol: 'tcp',
      port: 2376,
      tls: { verify: true },
    });
  });

  it('ssh:// keeps user and port, defaulting to 22', () => {
    expect(resolveEndpoint(fakeHost({ env: { DOCKER_HOST: 'ssh://builder@build.example' } }))).toEqual({
      url: 'ssh://builder@build.example',
      protocol: 'ssh',
      host: 'build.example',
      port: 22,
      username: 'builder',
      source: 'DOCKER_HOST',
    });
    expect(resolveEndpoint(fakeHost({ env: { DOCKER_HOST: 'ssh://build.example:2222' } }))).toEqual({
      url: 'ssh://build.example:2222',
      protocol: 'ssh',
      host: 'build.example',
      port: 2222,
      source: 'DOCKER_HOST',
    });
    expect(parseDockerHost('ssh://first%40corp@h', 'test').username).toBe('first@corp');
  });

  it('npipe:// gives a Windows pipe path, however many slashes or backslashes', () => {
    for (const value of [
      'npipe:////./pipe/docker_engine',
      'npipe:///./pipe/docker_engine',
      'npipe://\\\\.\\pipe\\docker_engine',
    ]) {
      expect(resolveEndpoint(fakeHost({ platform: 'win32', env: { DOCKER_HOST: value } }))).toMatchObject({
        protocol: 'npipe',
        socketPath: '//./pipe/docker_engine',
        source: 'DOCKER_HOST',
      });
    }
  });

  it('rejects what it cannot read, naming the variable and the value', () => {
    expect(() => parseDockerHost('fd://', 'DOCKER_HOST')).toThrow(
      /DOCKER_HOST: unsupported scheme `fd` in `fd:\/\/`/,
    );
    expect(() => parseDockerHost('unix://', 'DOCKER_HOST')).toThrow(/needs a socket path/);
    expect(() => parseDockerHost('npipe://', 'DOCKER_HOST')).toThrow(/needs a pipe name/);
    expect(() => parseDockerHost('tcp://', 'DOCKER_HOST')).toThrow(
      /cannot read a host and port from `tcp:\/\/`/,
    );
    expect(() => parseDockerHost('/var/run/docker.sock', 'DOCKER_HOST')).toThrow(
      /must look like unix:\/\/\/path/,
    );
  });
});

describe('docker contexts', () => {
  it('names a context directory by the sha256 of its name', () => {
    expect(contextId('remote')).toBe(sha('remote'));
    expect(contextId('remote')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('DOCKER_CONTEXT reads the endpoint from contexts/meta/<sha256>/meta.json', () => {
    const host = fakeHost({
      env: { DOCKER_CONTEXT: 'remote' },
      files: contextFiles('/home/me/.docker', 'remote', {
        Host: 'ssh://ops@remote.example',
        SkipTLSVerify: false,
      }),
    });
    expect(resolveEndpoint(host)).toEqual({
      url: 'ssh://ops@remote.example',
      protocol: 'ssh',
      host: 'remote.example',
      port: 22,
      username: 'ops',
      source: 'context remote',
    });
  });

  it('currentContext in config.json applies when DOCKER_CONTEXT is unset', () => {
    const host = fakeHost({
      files: {
        '/home/me/.docker/config.json': JSON.stringify({ auths: {}, currentContext: 'desktop-linux' }),
        ...contextFiles('/home/me/.docker', 'desktop-linux', {
          Host: 'unix:///home/me/.docker/desktop/docker.sock',
        }),
        '/var/run/docker.sock': '',
      },
    });
    expect(resolveEndpoint(host)).toMatchObject({
      protocol: 'unix',
      socketPath: '/home/me/.docker/desktop/docker.sock',
      source: 'context desktop-linux',
    });
  });

  it('DOCKER_CONTEXT beats currentContext', () => {
    const host = fakeHost({
      env: { DOCKER_CONTEXT: 'b' },
      files: {
        '/home/me/.docker/config.json': JSON.stringify({ currentContext: 'a' }),
        ...contextFiles('/home/me/.docker', 'a', { Host: 'unix:///a.sock' }),
        ...contextFiles('/home/me/.docker', 'b', { Host: 'unix:///b.sock' }),
      },
    });
    expect(resolveEndpoint(host).socketPath).toBe('/b.sock');
  });

  it('DOCKER_CONFIG moves config.json and the contexts', () => {
    const host = fakeHost({
      env: { DOCKER_CONFIG: '/cfg' },
      files: {
        '/home/me/.docker/config.json': JSON.stringify({ currentContext: 'wrong' }),
        '/cfg/config.json': JSON.stringify({ currentContext: 'right' }),
        ...contextFiles('/cfg', 'right', { Host: 'unix:///right.sock' }),
      },
    });
    expect(resolveEndpoint(host)).toMatchObject({ socketPath: '/right.sock', source: 'context right' });
  });

  it('the context `default` means the default sockets', () => {
    const host = fakeHost({
      env: { DOCKER_CONTEXT: 'default' },
      files: { '/home/me/.docker/run/docker.sock': '' },
    });
    expect(resolveEndpoint(host)).toMatchObject({
      socketPath: '/home/me/.docker/run/docker.sock',
      source: 'Docker Desktop socket',
    });
  });

  it('uses the TLS files stored with the context, and its SkipTLSVerify', () => {
    const dir = `/home/me/.docker/contexts/tls/${sha('secure')}/docker`;
    const verified = fakeHost({
      env: { DOCKER_CONTEXT: 'secure' },
      files: contextFiles('/home/me/.docker', 'secure', { Host: 'tcp://secure.example' }, [
        'ca.pem',
        'cert.pem',
        'key.pem',
      ]),
    });
    expect(resolveEndpoint(verified)).toMatchObject({
      host: 'secure.example',
      port: 2376,
      tls: { ca: `${dir}/ca.pem`, cert: `${dir}/cert.pem`, key: `${dir}/key.pem`, verify: true },
      source: 'context secure',
    });
    const skipped = fakeHost({
      env: { DOCKER_CONTEXT: 'secure' },
      files: contextFiles('/home/me/.docker', 'secure', {
        Host: 'tcp://secure.example:2376',
        SkipTLSVerify: true,
      }),
    });
    expect(resolveEndpoint(skipped).tls).toEqual({ verify: false });
    const plain = fakeHost({
      env: { DOCKER_CONTEXT: 'plain' },
      files: contextFiles('/home/me/.docker', 'plain', { Host: 'tcp://plain.example' }),
    });
    expect(resolveEndpoint(plain)).toMatchObject({ port: 2375 });
    expect(resolveEndpoint(plain).tls).toBeUndefined();
  });

  it('a missing, broken or endpoint-less context is an error that names it and the file', () => {
    const meta = `/home/me/.docker/contexts/meta/${sha('gone')}/meta.json`;
    expect(() => resolveEndpoint(fakeHost({ env: { DOCKER_CONTEXT: 'gone' } }))).toThrow(
      `docker context \`gone\` not found (no ${meta})`,
    );
    expect(() =>
      resolveEndpoint(fakeHost({ env: { DOCKER_CONTEXT: 'gone' }, files: { [meta]: '{' } })),
    ).toThrow(/docker context `gone`: .*meta\.json is not valid JSON/);
    expect(() =>
      resolveEndpoint(fakeHost({ env: { DOCKER_CONTEXT: 'gone' }, files: { [meta]: '{"Endpoints":{}}' } })),
    ).toThrow(/has no docker endpoint/);
  });

  it('a config.json that is not JSON falls back to the default sockets', () => {
    const host = fakeHost({
      files: { '/home/me/.docker/config.json': 'not json', '/var/run/docker.sock': '' },
    });
    expect(resolveEndpoint(host).source).toBe('default socket');
  });

  it('uses Windows paths for a Windows home', () => {
    const home = 'C:\\Users\\me';
    const host = fakeHost({
      platform: 'win32',
      homedir: home,
      files: {
        'C:\\Users\\me\\.docker\\config.json': JSON.stringify({ currentContext: 'remote' }),
        [`C:\\Users\\me\\.docker\\contexts\\meta\\${sha('remote')}\\meta.json`]: JSON.stringify({
          Endpoints: { docker: { Host: 'npipe:////./pipe/dockerDesktopLinuxEngine' } },
        }),
      },
    });
    expect(resolveEndpoint(host)).toMatchObject({
      protocol: 'npipe',
      socketPath: '//./pipe/dockerDesktopLinuxEngine',
      source: 'context remote',
    });
  });
});

describe('default sockets', () => {
  const env = { XDG_RUNTIME_DIR: '/run/user/1000' };

  it('are tried in order: docker, Docker Desktop, rootless, Podman rootless, Podman rootful', () => {
    expect(defaultSocketCandidates(fakeHost({ env })).map((c) => [c.socketPath, c.source])).toEqual([
      ['/var/run/docker.sock', 'default socket'],
      ['/home/me/.docker/run/docker.sock', 'Docker Desktop socket'],
      ['/run/user/1000/docker.sock', 'rootless socket'],
      ['/run/user/1000/podman/podman.sock', 'podman socket'],
      ['/run/podman/podman.sock', 'podman socket'],
    ]);
  });

  it('without XDG_RUNTIME_DIR, a user on Linux still has /run/user/<uid>', () => {
    const host = { ...fakeHost(), uid: 1001 };
    expect(defaultSocketCandidates(host).map((c) => c.socketPath)).toEqual([
      '/var/run/docker.sock',
      '/home/me/.docker/run/docker.sock',
      '/run/user/1001/docker.sock',
      '/run/user/1001/podman/podman.sock',
      '/run/podman/podman.sock',
    ]);
    // root has no per-user runtime dir of its own there.
    expect(defaultSocketCandidates({ ...fakeHost(), uid: 0 }).map((c) => c.socketPath)).toHaveLength(3);
  });

  it('without XDG_RUNTIME_DIR there are no per-user runtime sockets', () => {
    expect(defaultSocketCandidates(fakeHost()).map((c) => c.socketPath)).toEqual([
      '/var/run/docker.sock',
      '/home/me/.docker/run/docker.sock',
      '/run/podman/podman.sock',
    ]);
  });

  it('macOS also tries colima', () => {
    expect(defaultSocketCandidates(fakeHost({ platform: 'darwin' })).at(-1)).toMatchObject({
      socketPath: '/home/me/.colima/default/docker.sock',
      source: 'colima socket',
    });
  });

  it.each([
    ['/var/run/docker.sock', 'default socket'],
    ['/home/me/.docker/run/docker.sock', 'Docker Desktop socket'],
    ['/run/user/1000/docker.sock', 'rootless socket'],
    ['/run/user/1000/podman/podman.sock', 'podman socket'],
    ['/run/podman/podman.sock', 'podman socket'],
  ])('picks %s when it is the only one', (socket, source) => {
    expect(resolveEndpoint(fakeHost({ env, files: { [socket]: '' } }))).toEqual({
      url: `unix://${socket}`,
      protocol: 'unix',
      socketPath: socket,
      source,
    });
  });

  it('the first existing one wins', () => {
    const host = fakeHost({
      env,
      files: { '/run/user/1000/docker.sock': '', '/run/podman/podman.sock': '' },
    });
    expect(resolveEndpoint(host).socketPath).toBe('/run/user/1000/docker.sock');
  });

  it('with none present, names /var/run/docker.sock so the error points where users look', () => {
    expect(resolveEndpoint(fakeHost({ env }))).toMatchObject({
      socketPath: '/var/run/docker.sock',
      source: 'default socket',
    });
  });

  it('on Windows: the Docker named pipe, then Podman machine', () => {
    const host = fakeHost({ platform: 'win32', homedir: 'C:\\Users\\me' });
    expect(resolveEndpoint(host)).toEqual({
      url: 'npipe:////./pipe/docker_engine',
      protocol: 'npipe',
      socketPath: '//./pipe/docker_engine',
      source: 'default pipe',
    });
    expect(defaultSocketCandidates(host).map((c) => c.socketPath)).toEqual([
      '//./pipe/docker_engine',
      '//./pipe/podman-machine-default',
    ]);
  });
});
