# launch-agent shortcuts for bash and zsh. `launch-agent init` puts this file in
# ~/.config/launch-agent/; load it from ~/.bashrc or ~/.zshrc:
#   . ~/.config/launch-agent/aliases.sh
# Every shortcut passes extra arguments through, e.g. `lac -b fix-login` or `lax --prompt "..."`.

# The repository you are in (its top level, from any subfolder); "." outside a repo.
__la_repo() { git rev-parse --show-toplevel 2>/dev/null || printf '.\n'; }

# One agent on the current repo: lac = Claude Code, lax = Codex, lap = Copilot, lag = Gemini.
lac() { launch-agent "$(__la_repo)" --agent claude "$@"; }
lax() { launch-agent "$(__la_repo)" --agent codex "$@"; }
lap() { launch-agent "$(__la_repo)" --agent copilot "$@"; }
lag() { launch-agent "$(__la_repo)" --agent gemini "$@"; }

# Living with the containers.
alias lal='launch-agent list'
alias lall='launch-agent list --all'
lash() { launch-agent shell "$@"; }   # lash NAME: bash in /workspace
laat() { launch-agent attach "$@"; }  # laat NAME: back into the agent's session
lacode() { launch-agent code "$@"; }  # lacode NAME: VS Code on the container
larm() { launch-agent rm "$@"; }      # refuses while work is not pushed

# Tab completion for launch-agent itself.
if [ -n "${BASH_VERSION:-}" ]; then
  eval "$(launch-agent completion bash 2>/dev/null)"
elif [ -n "${ZSH_VERSION:-}" ] && command -v compdef >/dev/null 2>&1; then
  eval "$(launch-agent completion zsh 2>/dev/null)"
fi
