# launch-agent shortcuts for PowerShell. `launch-agent init` puts this file in the
# launch-agent config folder (%APPDATA%\launch-agent on Windows); load it from $PROFILE:
#   . "$env:APPDATA\launch-agent\aliases.ps1"
# Every shortcut passes extra arguments through, e.g. `lac -b fix-login`.

# The repository you are in (its top level, from any subfolder); "." outside a repo.
function __LaRepo {
  $top = git rev-parse --show-toplevel 2>$null
  if ($LASTEXITCODE -eq 0 -and $top) { $top } else { '.' }
}

# One agent on the current repo: lac = Claude Code, lax = Codex, lap = Copilot, lag = Gemini.
function lac { launch-agent (__LaRepo) --agent claude @args }
function lax { launch-agent (__LaRepo) --agent codex @args }
function lap { launch-agent (__LaRepo) --agent copilot @args }
function lag { launch-agent (__LaRepo) --agent gemini @args }

# Living with the containers.
function lal { launch-agent list @args }
function lall { launch-agent list --all @args }
function lash { launch-agent shell @args }
function laat { launch-agent attach @args }
function lacode { launch-agent code @args }
function larm { launch-agent rm @args }

# Tab completion for launch-agent itself, from the file `init` put beside this one (no process
# starts here: the script asks launch-agent only when you press TAB).
$__laCompletion = Join-Path $PSScriptRoot 'completion.ps1'
if (Test-Path $__laCompletion) { . $__laCompletion }
