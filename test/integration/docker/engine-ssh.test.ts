import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hostEnvironment, resolveEndpoint } from '../../../src/docker/connect.js';
import { DockerodeEngine } from '../../../src/docker/dockerode-engine.js';

// DOCKER_HOST=ssh://… end to end without an sshd: an in-process ssh2 server that, like a real
// host, runs `docker system dial-stdio` by connecting the channel to the real engine's socket.
const { Server, utils } = ssh2;
const engineSocket = resolveEndpoint().socketPath ?? '/var/run/docker.sock';
const localUser = os.userInfo().username;

let server: InstanceType<typeof Server>;
let port: number;
let home: string;
let hostKeyLine: string;
const knownHosts = (text: string) => writeFileSync(path.join(home, '.ssh', 'known_hosts'), text);
const commands: string[] = [];
const saved = { HOME: process.env.HOME, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK };

beforeAll(async () => {
  const hostKey = utils.generateKeyPairSync('ed25519');
  const clientKey = utils.generateKeyPairSync('ed25519');
  const allowed = utils.parseKey(clientKey.public);
  if (allowed instanceof Error) throw allowed;

  // The client finds its key where `ssh` would: ~/.ssh/id_ed25519, with no agent running.
  home = mkdtempSync(path.join(os.tmpdir(), 'launch-agent-ssh-'));
  mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
  writeFileSync(path.join(home, '.ssh', 'id_ed25519'), clientKey.private, { mode: 0o600 });
  process.env.HOME = home;
  delete process.env.SSH_AUTH_SOCK;

  server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      const userOk = ctx.username === 'tester' || ctx.username === localUser;
      if (
        ctx.method === 'publickey' &&
        userOk &&
        ctx.key.algo === allowed.type &&
        ctx.key.data.equals(allowed.getPublicSSH())
      ) {
        if (!ctx.signature || allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo)) return ctx.accept();
      }
      ctx.reject(['publickey']);
    });
    client.on('session', (acceptSession) => {
      const session = acceptSession();
      session.on('exec', (accept, reject, info) => {
        commands.push(info.command);
        if (info.command !== 'docker system dial-stdio') return reject?.();
        const channel = accept();
        const upstream = net.connect(engineSocket);
        channel.pipe(upstream).pipe(channel);
        upstream.on('error', () => channel.close());
        channel.on('close', () => upstream.destroy());
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
  const publicHostKey = utils.parseKey(hostKey.public);
  if (publicHostKey instanceof Error) throw publicHostKey;
  hostKeyLine = `[127.0.0.1]:${port} ${publicHostKey.type} ${publicHostKey.getPublicSSH().toString('base64')}`;
});

beforeEach(() => knownHosts(`# accepted before\n${hostKeyLine}\n`));

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  process.env.HOME = saved.HOME;
  if (saved.SSH_AUTH_SOCK !== undefined) process.env.SSH_AUTH_SOCK = saved.SSH_AUTH_SOCK;
  rmSync(home, { recursive: true, force: true });
});

const endpointFor = (DOCKER_HOST: string) => resolveEndpoint({ ...hostEnvironment(), env: { DOCKER_HOST } });

describe('DockerodeEngine over ssh://', () => {
  it('reaches the real engine through `docker system dial-stdio`, with the default key', async () => {
    const endpoint = endpointFor(`ssh://tester@127.0.0.1:${port}`);
    expect(endpoint).toMatchObject({ protocol: 'ssh', username: 'tester', port });
    const info = await new DockerodeEngine(endpoint).info({ timeoutMs: 20_000 });
    const local = await new DockerodeEngine(resolveEndpoint()).info();
    expect(info).toMatchObject({ name: local.name, version: local.version, apiVersion: local.apiVersion });
    expect(commands).toContain('docker system dial-stdio');
  });

  it('without a user in the URL logs in as the local user, as ssh does', async () => {
    const info = await new DockerodeEngine(endpointFor(`ssh://127.0.0.1:${port}`)).info({
      timeoutMs: 20_000,
    });
    expect(info.version).toMatch(/\S/);
  });

  it('refuses a host whose key is not in known_hosts, and says how to add it', async () => {
    knownHosts('');
    const engine = new DockerodeEngine(endpointFor(`ssh://tester@127.0.0.1:${port}`));
    const error = await engine.info({ timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ENGINE_UNREACHABLE',
      message: `the ssh host key of [127.0.0.1]:${port} is not in ~/.ssh/known_hosts`,
      hint: `connect once with \`ssh -p ${port} tester@127.0.0.1\`, check and accept the key, then retry`,
    });
  });

  it('refuses a host whose key changed: the connection may be intercepted', async () => {
    const other = utils.parseKey(utils.generateKeyPairSync('ed25519').public);
    if (other instanceof Error) throw other;
    knownHosts(`[127.0.0.1]:${port} ${other.type} ${other.getPublicSSH().toString('base64')}\n`);
    const ran = commands.length;
    const engine = new DockerodeEngine(endpointFor(`ssh://tester@127.0.0.1:${port}`));
    const error = await engine.info({ timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ENGINE_UNREACHABLE',
      message: expect.stringMatching(
        /does not match ~\/\.ssh\/known_hosts: the connection may be intercepted/,
      ),
      hint: expect.stringContaining(`ssh-keygen -R '[127.0.0.1]:${port}'`),
    });
    // Refused before logging in: nothing ran on the host.
    expect(commands.length).toBe(ran);
  });

  it('a user the host refuses fails the call with the ssh error, not a hang', async () => {
    const engine = new DockerodeEngine(endpointFor(`ssh://intruder@127.0.0.1:${port}`));
    await expect(engine.info({ timeoutMs: 20_000 })).rejects.toThrow(/authentication/i);
  });
});
