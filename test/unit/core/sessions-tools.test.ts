import { describe, expect, it } from 'vitest';
import { containerPathOf, ownerOf, parseCopyArgs } from '../../../src/core/sessions/copy.js';
import { parsePort, relayCommand } from '../../../src/core/sessions/port-forward.js';

describe('parseCopyArgs', () => {
  it('reads NAME:PATH on either side; relative container paths start at /workspace', () => {
    expect(parseCopyArgs('claude-app:src/a.ts', './a.ts')).toEqual({
      direction: 'from-container',
      name: 'claude-app',
      containerPath: '/workspace/src/a.ts',
      hostPath: './a.ts',
    });
    expect(parseCopyArgs('notes.md', 'claude-app:/tmp/')).toEqual({
      direction: 'to-container',
      name: 'claude-app',
      containerPath: '/tmp',
      hostPath: 'notes.md',
    });
  });

  it('does not take a Windows drive letter for a container name', () => {
    expect(parseCopyArgs('C:\\Users\\u\\a.txt', 'claude-app:a.txt').direction).toBe('to-container');
  });

  it('needs exactly one container side', () => {
    expect(() => parseCopyArgs('a', 'b')).toThrow(/exactly one of the two paths must be NAME:PATH/);
    expect(() => parseCopyArgs('x1:a', 'x2:b')).toThrow(/exactly one/);
  });

  it('maps an empty container path to /workspace', () => {
    expect(containerPathOf('')).toBe('/workspace');
    expect(containerPathOf('a/../b')).toBe('/workspace/b');
  });

  it('takes the owner from the numeric Config.User', () => {
    expect(ownerOf('1001:1002')).toEqual({ uid: 1001, gid: 1002 });
    expect(ownerOf('1001')).toEqual({ uid: 1001, gid: 1001 });
    expect(ownerOf('agent')).toEqual({ uid: 1000, gid: 1000 });
  });
});

describe('port forwarding', () => {
  it('relays through node on the container loopback, never the container IP', () => {
    const [node, flag, script] = relayCommand(3000);
    expect([node, flag]).toEqual(['node', '-e']);
    expect(script).toContain("connect(3000,'127.0.0.1')");
  });

  it('validates ports', () => {
    expect(parsePort('8080', 'HOST_PORT')).toBe(8080);
    expect(() => parsePort('http', 'CONTAINER_PORT')).toThrow(
      'CONTAINER_PORT must be a port number 0-65535, got `http`',
    );
    expect(() => parsePort('70000', 'HOST_PORT')).toThrow(/got `70000`/);
  });
});
