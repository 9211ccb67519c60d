/** config.toml -> validated model -> each agent's native MCP config. */
export { agentLimits, type HomeFile, homeConfigFiles, mcpHomeTransform } from './apply.js';
export { launchMcpTransform } from './launch.js';
export { assertValid, type LoadedMcpConfig, loadMcpConfig, mergeLayers, parseConfigText } from './load.js';
export type { AgentMcpServer, ConfigProblem, McpServer, McpTransport } from './model.js';
export { knownTopLevelKeys } from './schema.js';
export { serverApplies, serversFor, viewFor } from './select.js';
