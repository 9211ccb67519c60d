import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { addActivityHooks } from '../../../src/agents/activity-hooks.js';
import { claude } from '../../../src/agents/claude.js';
import { codex } from '../../../src/agents/codex.js';
import { gemini, geminiAuthType } from '../../../src/agents/gemini.js';
import type { AgentDescriptor } from '../../../src/agents/types.js';

const seed = (agent: AgentDescriptor, homePath: string) => {
  const found = agent.seeds.find((s) => s.homePath === homePath);
  if (!found) throw new Error(`no seed for ${homePath}`);
  return found;
};
const none = { secretNames: [], logins: [] };
const apiKey = { secretNames: ['GEMINI_API_KEY'], logins: [] };

describe('gemini starts without its login-method dialog', () => {
  it('picks the method from what was found, as Gemini CLI reads its environment', () => {
    expect(geminiAuthType({ secretNames: ['GEMINI_API_KEY'], logins: ['.gemini/oauth_creds.json'] })).toBe(
      'gemini-api-key',
    );
    expect(geminiAuthType({ secretNames: [], logins: ['.gemini/oauth_creds.json'] })).toBe('oauth-personal');
    expect(geminiAuthType({ secretNames: ['GOOGLE_GENAI_USE_VERTEXAI', 'GEMINI_API_KEY'], logins: [] })).toBe(
      'vertex-ai',
    );
    expect(geminiAuthType(none)).toBeUndefined();
  });

  it('writes it into settings.json, keeping a method the user chose; memory sizing is ours', () => {
    const settings = seed(gemini, '.gemini/settings.json');
    const written = JSON.parse(settings.merge('{"ui":{"theme":"x"}}', apiKey));
    expect(written.security.auth.selectedType).toBe('gemini-api-key');
    expect(written.advanced.autoConfigureMemory).toBe(false);
    expect(written.ui.theme).toBe('x');
    const chosen = '{"security":{"auth":{"selectedType":"oauth-personal"}}}';
    expect(JSON.parse(settings.merge(chosen, apiKey)).security.auth.selectedType).toBe('oauth-personal');
    expect(JSON.parse(settings.merge(undefined, none)).security.auth.selectedType).toBeUndefined();
    expect(gemini.agentEnv?.({ memoryBytes: 1024 ** 3 })).toEqual({
      NODE_OPTIONS: '--max-old-space-size=512',
    });
  });
});

describe('the agents report their activity through their own hooks', () => {
  it('claude: UserPromptSubmit works, Stop and Notification wait; the user’s hooks stay', () => {
    const settings = seed(claude, '.claude/settings.json');
    const existing = JSON.stringify({
      hooks: { Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }] },
    });
    const once = settings.merge(existing, none);
    expect(settings.merge(once, none)).toBe(once);
    const hooks = JSON.parse(once).hooks;
    expect(JSON.stringify(hooks.Stop)).toContain('say done');
    expect(JSON.stringify(hooks.Stop)).toContain('launch-agent-activity waiting');
    expect(JSON.stringify(hooks.UserPromptSubmit)).toContain('launch-agent-activity working');
    expect(JSON.stringify(hooks.Notification)).toContain('launch-agent-activity waiting');
  });

  it('gemini: BeforeAgent / AfterAgent / Notification', () => {
    const hooks = JSON.parse(seed(gemini, '.gemini/settings.json').merge(undefined, none)).hooks;
    expect(Object.keys(hooks).sort()).toEqual(['AfterAgent', 'BeforeAgent', 'Notification']);
  });

  it('codex: notify, unless the user has their own', () => {
    const config = seed(codex, '.codex/config.toml');
    expect(parse(config.merge(undefined, none)).notify).toEqual(['launch-agent-activity', 'waiting']);
    expect(parse(config.merge('notify = ["my-notifier"]\n', none)).notify).toEqual(['my-notifier']);
  });

  it('addActivityHooks keeps other events', () => {
    const settings: Record<string, unknown> = { hooks: { PreToolUse: [] } };
    addActivityHooks(settings, { Stop: 'waiting' });
    expect(Object.keys(settings.hooks as object)).toEqual(['PreToolUse', 'Stop']);
  });
});
