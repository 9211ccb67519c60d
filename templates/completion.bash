# launch-agent completion for bash. Add to ~/.bashrc:
#   eval "$(launch-agent completion bash)"
_launch_agent() {
  local cur=${COMP_WORDS[COMP_CWORD]} line directive
  local -a out=()
  COMPREPLY=()
  while IFS= read -r line; do out+=("$line"); done < <(launch-agent __complete bash -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  ((${#out[@]})) || return 0
  directive=${out[${#out[@]}-1]}
  unset 'out[${#out[@]}-1]'
  for line in "${out[@]}"; do COMPREPLY+=("${line%%$'\t'*}"); done
  case $directive in
  :files | :dirs)
    [[ $cur == [=:] ]] && cur=
    compopt -o filenames 2>/dev/null
    while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen "$([[ $directive == :dirs ]] && echo -d || echo -f)" -- "$cur")
    ;;
  esac
}
complete -F _launch_agent launch-agent
