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

# Tab completion for launch-agent itself, from the file `init` put beside this one (no process
# starts here: the script asks launch-agent only when you press TAB).
if [ -n "${BASH_VERSION:-}" ]; then
  [ -r "${BASH_SOURCE[0]%/*}/completion.bash" ] && . "${BASH_SOURCE[0]%/*}/completion.bash"
elif [ -n "${ZSH_VERSION:-}" ]; then
  # eval: bash must never parse zsh's ${(%):-%x} (this file's own path).
  eval '[ -r "${${(%):-%x}:h}/completion.zsh" ] && . "${${(%):-%x}:h}/completion.zsh"'
fi
