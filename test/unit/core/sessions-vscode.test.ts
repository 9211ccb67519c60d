import { describe, expect, it } from 'vitest';
import type { HostFacts } from '../../../src/config/paths.js';
import {
  attachedConfigFile,
  devcontainerMetadataLabel,
  mergeAttachedConfig,
  vscodeUri,
  vscodeUserDataDir,
} from '../../../src/core/sessions/vscode.js';

const linux: HostFacts = { platform: 'linux', homedir: '/home/u', env: {} };
const mac: HostFacts = { platform: 'darwin', homedir: '/Users/u', env: {} };
const windows: HostFacts = {
  platform: 'win32',
  homedir: 'C:\\Users\\u',
  env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' },
};

describe('vscodeUri', () => {
  it('hex-encodes {"containerName":"/NAME"} and opens /workspace', () => {
    const uri = vscodeUri('claude-app-fix');
    const match = /^vscode-remote:\/\/attached-container\+([0-9a-f]+)\/workspace$/.exec(uri);
    expect(match).not.toBeNull();
    expect(JSON.parse(Buffer.from(match![1]!, 'hex').toString('utf8'))).toEqual({
      containerName: '/claude-app-fix',
    });
  });
});

describe('attached-container config file', () => {
  it('lives in the VS Code user data folder of each OS', () => {
    const tail = 'User/globalStorage/ms-vscode-remote.remote-containers/nameConfigs/claude-app.json';
    expect(attachedConfigFile(linux, 'claude-app')).toBe(`/home/u/.config/Code/${tail}`);
    expect(attachedConfigFile(mac, 'claude-app')).toBe(`/Users/u/Library/Application Support/Code/${tail}`);
    expect(attachedConfigFile(windows, 'claude-app')).toBe(
      `C:\\Users\\u\\AppData\\Roaming\\Code\\${tail.split('/').join('\\')}`,
    );
  });

  it('honours XDG_CONFIG_HOME on Linux and VSCODE_PORTABLE everywhere', () => {
    expect(vscodeUserDataDir({ ...linux, env: { XDG_CONFIG_HOME: '/x' } })).toBe('/x/Code');
    expect(vscodeUserDataDir({ ...mac, env: { VSCODE_PORTABLE: '/p' } })).toBe('/p/user-data');
  });

  it('sets workspaceFolder and remoteUser, keeping what VS Code remembered', () => {
    expect(mergeAttachedConfig(undefined)).toEqual({ workspaceFolder: '/workspace', remoteUser: 'agent' });
    expect(mergeAttachedConfig('{"extensions":["a.b"],"workspaceFolder":"/"}')).toEqual({
      extensions: ['a.b'],
      workspaceFolder: '/workspace',
      remoteUser: 'agent',
    });
  });

  it('leaves a hand-edited (JSONC) file alone', () => {
    expect(mergeAttachedConfig('// mine\n{"remoteUser":"root"}')).toBeUndefined();
  });
});

describe('devcontainerMetadataLabel', () => {
  it('is a JSON array with remoteUser agent, extensions and settings', () => {
    const metadata = JSON.parse(devcontainerMetadataLabel()) as Array<Record<string, unknown>>;
    expect(Array.isArray(metadata)).toBe(true);
    const entry = metadata[0] as {
      remoteUser: string;
      customizations: { vscode: { extensions: string[]; settings: object } };
    };
    expect(entry.remoteUser).toBe('agent');
    expect(entry.customizations.vscode.extensions.length).toBeGreaterThan(0);
    expect(entry.customizations.vscode.settings).toMatchObject({
      'terminal.integrated.profiles.linux': {
        'launch-agent': { path: '/usr/local/bin/launch-agent-entrypoint' },
      },
    });
  });
});
