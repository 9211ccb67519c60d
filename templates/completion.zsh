#compdef launch-agent
# launch-agent completion for zsh. Add to ~/.zshrc (after compinit):
#   source <(launch-agent completion zsh)
_launch_agent() {
  local -a lines described
  local line directive value desc
  lines=("${(@f)$(launch-agent __complete zsh -- "${(@)words[2,CURRENT]}" 2>/dev/null)}")
  directive=${lines[-1]}
  lines=("${(@)lines[1,-2]}")
  for line in "${lines[@]}"; do
    [[ -z $line ]] && continue
    value=${line%%$'\t'*}
    desc=
    [[ $line == *$'\t'* ]] && desc=${line#*$'\t'}
    described+=("${value//:/\\:}${desc:+:$desc}")
  done
  ((${#described})) && _describe -t values 'launch-agent' described
  case $directive in
  (:files) _files ;;
  (:dirs) _files -/ ;;
  esac
  return 0
}
if (( $+functions[compdef] )); then compdef _launch_agent launch-agent; fi
