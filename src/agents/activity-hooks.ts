import { objectAt } from './json-merge.js';

/** Records the agent's own word for `list` / `wait` (images/agents/launch-agent-activity). */
export const ACTIVITY_COMMAND = 'launch-agent-activity';

/**
 * Adds a command hook per event to a Claude Code / Gemini CLI style `hooks` table
 * (`{Event: [{hooks: [{type: 'command', command}]}]}`), keeping the user's own hooks; adding
 * twice changes nothing.
 */
export function addActivityHooks(
  settings: Record<string, unknown>,
  events: Record<string, 'working' | 'waiting'>,
): void {
  const hooks = objectAt(settings, 'hooks');
  for (const [event, word] of Object.entries(events)) {
    const command = `${ACTIVITY_COMMAND} ${word}`;
    const entries = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    const present = JSON.stringify(entries).includes(JSON.stringify(command));
    if (!present) entries.push({ hooks: [{ type: 'command', command }] });
    hooks[event] = entries;
  }
}
