/** A command line and what it does, shown under "Examples:" in that command's help. */
export type Example = [commandLine: string, what: string];

/**
 * Two or three examples per command, keyed by the command's path (`images build`; '' is the
 * launch itself): the fastest way to read what a command is for. A new command adds its row.
 */
export const EXAMPLES: Record<string, Example[]> = {
  '': [
    ['launch-agent', 'Claude Code on the repo you are in, on a new branch claude/<id>'],
    ['launch-agent ~/src/app -a codex -b fix-login', 'Codex on ~/src/app, on the branch codex/fix-login'],
    [
      'launch-agent gh:owner/repo -p "fix the failing test"',
      'clone a GitHub repo, run Claude headless on a prompt, print its answer',
    ],
  ],
  list: [
    ['launch-agent list', 'running agent containers, with unpushed commits (AHEAD) and uncommitted work'],
    ['launch-agent ls --all --repo app', 'every container of the repo `app`, stopped ones too'],
    ['launch-agent list --quiet', 'names only, for scripts'],
  ],
  sync: [
    ['launch-agent sync', 'every session: fetch its pushed branches into your repo now, say what landed'],
    ['launch-agent sync claude-app --json', 'one session, for scripts'],
  ],
  attach: [
    ['launch-agent attach claude-app-fix-login', "back into the agent's session (Ctrl-] leaves it running)"],
    ['launch-agent attach claude-app', 'a unique prefix of the name is enough'],
    ['launch-agent attach claude-app -- --model opus', 'start the agent with these arguments if none runs'],
  ],
  shell: [
    ['launch-agent shell claude-app-fix-login', 'bash in /workspace, as the agent user'],
    ['launch-agent shell claude-app -T < script.sh', 'run a script without a terminal'],
  ],
  exec: [
    ['launch-agent exec claude-app git log --oneline -3', "the agent's last commits"],
    ['launch-agent exec claude-app -- npm test', 'run the tests in the container; its exit code is ours'],
    ['launch-agent exec --json claude-app git status', 'exit code, stdout and stderr as one JSON document'],
  ],
  logs: [
    ['launch-agent logs claude-app', 'what the agent printed so far, as text'],
    ['launch-agent logs -f -n 50 claude-app', 'the last 50 lines, then follow until Ctrl-C'],
  ],
  wait: [
    ['launch-agent wait claude-app && echo "your turn"', 'block until the agent waits for you (or exits)'],
    ['launch-agent wait claude-app --timeout 600 --bell', 'at most ten minutes, then ring the terminal bell'],
  ],
  egress: [
    ['launch-agent egress claude-app', 'hosts it reached and was refused, with counts and last time'],
    ['launch-agent egress claude-app --list', 'what it may reach, and where each host came from'],
    ['launch-agent egress -f claude-app', 'each request as the proxy decides it, until Ctrl-C'],
  ],
  stats: [
    ['launch-agent stats', 'CPU, memory and processes of every running agent container'],
    ['launch-agent stats claude-app --json', 'one container, for scripts'],
  ],
  code: [
    ['launch-agent code claude-app', 'VS Code attached to the container at /workspace'],
    ['launch-agent code claude-app --no-open', 'print the URI to open yourself'],
  ],
  port: [
    ['launch-agent port claude-app 3000', 'http://127.0.0.1:3000 reaches the dev server in the container'],
    ['launch-agent port claude-app 8080 0', 'a free local port, printed'],
  ],
  cp: [
    ['launch-agent cp claude-app:dist ./dist', 'copy /workspace/dist out of the container'],
    ['launch-agent cp ./fixtures claude-app:test/', 'copy a folder in (it belongs to the agent user)'],
  ],
  stop: [
    ['launch-agent stop claude-app', 'stop it; /workspace and the agent state stay'],
    ['launch-agent stop --all', 'stop every running agent container'],
  ],
  start: [
    ['launch-agent start claude-app', 'start it again as it was'],
    ['launch-agent start claude-app codex-app', 'several at once (e.g. after an engine restart)'],
  ],
  rm: [
    ['launch-agent rm claude-app-fix-login', 'remove it and its workspace; refuses while work is unpushed'],
    ['launch-agent rm --force claude-app-fix-login', 'remove it even so (the unpushed work is lost)'],
  ],
  prune: [
    ['launch-agent prune', 'list the stopped containers whose work is all pushed'],
    ['launch-agent prune --yes', 'and remove them'],
  ],
  doctor: [
    ['launch-agent doctor', 'check the set-up; each problem comes with what to do'],
    ['launch-agent doctor --json', 'the same as one JSON document'],
  ],
  init: [
    ['launch-agent init', 'config.toml, secrets.env and aliases.sh in ~/.config/launch-agent/'],
    ['LAUNCH_AGENT_CONFIG_DIR=~/la launch-agent init --json', 'somewhere else, saying what it made'],
  ],
  images: [
    ['launch-agent images build', 'build every image that is missing or stale'],
    ['launch-agent images list', 'which images exist, and which are stale'],
  ],
  'images build': [
    ['launch-agent images build -a claude', "only Claude's chain"],
    ['launch-agent images build --no-cache', 'rebuild with the newest agent CLIs'],
    [
      'launch-agent images build --base-image my/node:22',
      'build on another base image (e.g. without Docker Hub)',
    ],
  ],
  'images update': [
    ['launch-agent images update', 'newer agent CLIs from npm, rebuilt only where one is new'],
    ['launch-agent images update claude codex', 'only these agents; the others keep their versions'],
  ],
  'images list': [
    ['launch-agent images list', 'each image, its size and agent versions, current or stale'],
    ['launch-agent images list --json', 'the same, for scripts'],
  ],
  'images prune': [
    ['launch-agent images prune', 'list superseded images'],
    ['launch-agent images prune --yes', 'and remove them'],
  ],
  mcp: [
    ['launch-agent mcp list', 'the MCP servers every launch writes into the agents'],
    ['launch-agent mcp convert -a codex', "what Codex's config.toml gets"],
  ],
  'mcp list': [
    ['launch-agent mcp list', "your servers with the repo's over them, and which agents get each"],
    ['launch-agent mcp list --json', 'the merged servers, for scripts'],
  ],
  'mcp convert': [
    ['launch-agent mcp convert', "every agent's MCP file from your config"],
    ['launch-agent mcp convert ./config.toml -a claude', 'one file, one agent'],
    ['launch-agent mcp convert --out /tmp/home', 'write the files as the launch would, to look at'],
  ],
  completion: [
    ['eval "$(launch-agent completion bash)"', 'in ~/.bashrc'],
    ['source <(launch-agent completion zsh)', 'in ~/.zshrc, after compinit'],
    ['launch-agent completion pwsh | Out-String | Invoke-Expression', 'in $PROFILE'],
  ],
  version: [
    ['launch-agent version', 'the version, e.g. 0.1.0 (as --version)'],
    ['launch-agent version --json', 'with Node.js and the platform, for a bug report'],
  ],
};
