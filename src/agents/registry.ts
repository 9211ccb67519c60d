import { LaunchError } from '../errors.js';
import { claude } from './claude.js';
import { codex } from './codex.js';
import { copilot } from './copilot.js';
import { gemini } from './gemini.js';
import type { AgentDescriptor, AgentName } from './types.js';

/** Adding an agent: one module beside this file, one line here, and its Dockerfile. */
export const agents: readonly AgentDescriptor[] = [claude, codex, copilot, gemini];

export const agentNames = agents.map((a) => a.name) as AgentName[];

export function getAgent(name: string): AgentDescriptor {
  const agent = agents.find((a) => a.name === name);
  if (!agent) {
    throw new LaunchError('AGENT_UNKNOWN', `unknown agent \`${name}\``, {
      hint: `choose one of: ${agentNames.join(', ')}`,
    });
  }
  return agent;
}
