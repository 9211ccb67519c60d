import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runCli } from '../helpers/cli.js';
import {
  docker,
  dockerExec,
  type Fixture,
  type Launched,
  launchEnv,
  makeFixture,
  removeContainer,
} from '../helpers/fixtures.js';
import { ensureTestImages } from '../helpers/images.js';

/**
 * The config `init` writes turns on Playwright's MCP server: started exactly as the agent's own
 * config says, inside a launched container, it must drive a browser. Only a data: URL is opened.
 */

interface McpEntry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** A line-delimited JSON-RPC client over `docker exec -i` (what an agent does with a stdio server). */
class StdioClient {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiting = new Map<number, (message: Record<string, unknown>) => void>();
  #buffer = '';
  stderr = '';

  constructor(container: string, entry: McpEntry) {
    const env = Object.entries(entry.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    this.#child = spawn('docker', [
      'exec',
      '-i',
      '-w',
      '/workspace',
      ...env,
      container,
      '/usr/local/bin/launch-agent-entrypoint',
      entry.command,
      ...entry.args,
    ]);
    this.#child.stdout.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString();
      let newline = this.#buffer.indexOf('\n');
      while (newline >= 0) {
        const line = this.#buffer.slice(0, newline).trim();
        this.#buffer = this.#buffer.slice(newline + 1);
        newline = this.#buffer.indexOf('\n');
        if (!line.startsWith('{')) continue;
        const message = JSON.parse(line) as { id?: number };
        if (typeof message.id === 'number') this.#waiting.get(message.id)?.(message);
      }
    });
    this.#child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
  }

  request(id: number, method: string, params: unknown, timeoutMs: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer to ${method} in ${timeoutMs} ms; server stderr:\n${this.stderr}`)),
        timeoutMs,
      );
      this.#waiting.set(id, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      this.notify(method, params, id);
    });
  }

  notify(method: string, params: unknown, id?: number): void {
    this.#child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', ...(id === undefined ? {} : { id }), method, params })}\n`,
    );
  }

  close(): void {
    this.#child.stdin.end();
    this.#child.kill();
  }
}

describe('Playwright MCP server from the init template', () => {
  let fixture: Fixture;
  let launched: Launched;
  let stderr: string;
  let projectTags: string[] = [];

  beforeAll(async () => {
    await ensureTestImages('claude');
    fixture = makeFixture(`pw-${Date.now().toString(36)}`);
    const init = await runCli(['init', '--json'], { env: launchEnv(fixture) });
    expect(init.code, init.stderr).toBe(0);
    const result = await runCli([fixture.repo, '--agent', 'claude', '-b', 'browse', '--detach', '--json'], {
      env: launchEnv(fixture),
    });
    stderr = result.stderr;
    expect(result.code, result.stderr).toBe(0);
    launched = parseJson<Launched>(result);
    projectTags = JSON.parse(docker('image', 'inspect', '--format', '{{json .RepoTags}}', launched.image));
  }, 1_200_000);

  afterAll(() => {
    if (launched) removeContainer(launched.name);
    fixture?.cleanup();
    // This test's tags only (the image is shared by every repo with the same user config).
    const ours = projectTags.filter(
      (tag) => tag.includes(path.basename(fixture.repo)) || /:[0-9a-f]{12}$/.test(tag),
    );
    if (ours.length > 0) {
      try {
        docker('rmi', ...ours);
      } catch {
        // in use by another container of this engine; left for `images prune`
      }
    }
  });

  it('runs on a per-project image that holds Debian chromium', () => {
    expect(launched.image).toMatch(/^launch-agent\/project:[0-9a-f]{12}$/);
    expect(dockerExec(launched.name, 'chromium --version')).toMatch(/^Chromium \d+/);
  });

  it('names the missing GITHUB_TOKEN once, on stderr and in --json warnings', () => {
    const line = 'MCP server github needs GITHUB_TOKEN';
    expect(launched.warnings.filter((w) => w.startsWith(line))).toHaveLength(1);
    expect(stderr.split('\n').filter((l) => l.includes(line))).toHaveLength(1);
  });

  it('mcp list names the missing variable per server, never a value', async () => {
    const result = await runCli(['mcp', 'list', '--json'], { env: launchEnv(fixture), cwd: fixture.repo });
    expect(result.code, result.stderr).toBe(0);
    const list = parseJson<{ servers: Array<{ name: string; missing: string[] }> }>(result);
    expect(list.servers.find((s) => s.name === 'github')?.missing).toEqual(['GITHUB_TOKEN']);
    expect(list.servers.find((s) => s.name === 'playwright')?.missing).toEqual([]);
    expect(result.stderr).toContain('MCP server github needs GITHUB_TOKEN');
    const human = await runCli(['mcp', 'list'], { env: launchEnv(fixture), cwd: fixture.repo });
    expect(human.stdout).toMatch(/^github .*\(missing GITHUB_TOKEN\)$/m);
  });

  it('navigates to a data: URL through the server as claude starts it', async () => {
    const config = JSON.parse(dockerExec(launched.name, 'cat "$HOME/.claude.json"')) as {
      mcpServers: Record<string, McpEntry>;
    };
    const entry = config.mcpServers.playwright;
    expect(entry).toBeDefined();
    const client = new StdioClient(launched.name, entry!);
    try {
      const init = await client.request(
        1,
        'initialize',
        { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'la-e2e', version: '1' } },
        300_000,
      );
      expect(init.result).toBeDefined();
      client.notify('notifications/initialized', {});
      const page = 'data:text/html,<title>la-e2e-page</title><h1>Hello from a data URL</h1>';
      const answer = await client.request(
        2,
        'tools/call',
        { name: 'browser_navigate', arguments: { url: page } },
        180_000,
      );
      const result = answer.result as { isError?: boolean; content: Array<{ type: string; text?: string }> };
      const text = result.content.map((c) => c.text ?? '').join('\n');
      expect(result.isError ?? false, text).toBe(false);
      expect(text).toContain('la-e2e-page');
      expect(text).toContain('Hello from a data URL');
      // The browser runs as the agent, without background requests (updates, metrics, sync...).
      const browser = dockerExec(
        launched.name,
        'ps -eo user:20,args --no-headers | grep "[c]hromium/chromium" | head -1',
      );
      expect(browser).toContain('--disable-background-networking');
      expect(browser).toContain('--no-sandbox');
      expect(browser).not.toMatch(/^root\s/);
    } finally {
      client.close();
    }
  }, 600_000);
});
