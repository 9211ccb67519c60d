import { LaunchError } from '../errors.js';
import { claude } from './claude.js';
import { codex } from './codex.js';
import { copilot } from './copilot.js';
import { gemini } from './gemini.js';
import { AGENT_NAMES, type AgentDescriptor, type AgentName } from './types.js';

/** Adding an agent: one module beside this file, its name in AGENT_NAMES, a line here, its Dockerfile. */
const byName: Record<AgentName, AgentDescriptor> = { claude, codex, copilot, gemini };

export const agents: readonly AgentDescriptor[] = AGENT_NAMES.map((name) => byName[name]);

export function getAgent(name: string): AgentDescriptor {
  const agent = agents.find((a) => a.name === name);
  if (!agent) {
    throw new LaunchError('AGENT_UNKNOWN', `unknown agent \`${name}\``, {
      hint: `choose one of: ${AGENT_NAMES.join(', ')}`,
    });
  }
  return agent;
}
