import { LaunchError } from '../../errors.js';

export type CompletionShell = 'bash' | 'zsh' | 'pwsh';
export const COMPLETION_SHELLS: readonly CompletionShell[] = ['bash', 'zsh', 'pwsh'];

/** Commands whose next word is a container name: completed from `list --all --quiet`. */
export const CONTAINER_COMMANDS = [
  'shell',
  'attach',
  'exec',
  'logs',
  'egress',
  'wait',
  'stats',
  'stop',
  'start',
  'rm',
  'port',
  'code',
] as const;

export interface CompletionCommand {
  name: string;
  aliases: string[];
  description: string;
  /** Long flags, e.g. `--json`. */
  options: string[];
}

export interface CompletionSpec {
  program: string;
  commands: CompletionCommand[];
  /** Flags of the program itself (the launch). */
  rootOptions: string[];
}

export function parseShell(value: string | undefined): CompletionShell {
  const shell = value === 'powershell' ? 'pwsh' : value;
  if (shell && (COMPLETION_SHELLS as readonly string[]).includes(shell)) return shell as CompletionShell;
  throw new LaunchError(
    'USAGE',
    `completion needs one of ${COMPLETION_SHELLS.join(', ')}, got \`${value ?? ''}\``,
    {
      hint: 'eval "$(launch-agent completion bash)"  # in ~/.bashrc',
    },
  );
}

export function completionScript(shell: CompletionShell, spec: CompletionSpec): string {
  switch (shell) {
    case 'bash':
      return bashScript(spec);
    case 'zsh':
      return zshScript(spec);
    case 'pwsh':
      return pwshScript(spec);
  }
}

function names(c: CompletionCommand): string[] {
  return [c.name, ...c.aliases];
}

function containerPattern(spec: CompletionSpec): string[] {
  const wanted = new Set<string>(CONTAINER_COMMANDS);
  return spec.commands.filter((c) => wanted.has(c.name)).flatMap(names);
}

function bashScript(spec: CompletionSpec): string {
  const fn = `_${spec.program.replace(/\W/g, '_')}`;
  const words = [...spec.commands.flatMap(names), ...spec.rootOptions].join(' ');
  const optionCases = spec.commands
    .map((c) => `    ${names(c).join('|')}) opts="${c.options.join(' ')}" ;;`)
    .join('\n');
  return `# ${spec.program} completion for bash. Add to ~/.bashrc:
#   eval "$(${spec.program} completion bash)"
${fn}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd="" opts="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case \${COMP_WORDS[i]} in -*) ;; *) cmd=\${COMP_WORDS[i]}; break ;; esac
  done
  if [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W "${words}" -- "$cur") $(compgen -d -- "$cur"))
    return
  fi
  case $cmd in
${optionCases}
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  case $cmd in
    ${containerPattern(spec).join('|')})
      COMPREPLY=($(compgen -W "$(${spec.program} list --all --quiet 2>/dev/null)" -- "$cur")) ;;
    completion) COMPREPLY=($(compgen -W "${COMPLETION_SHELLS.join(' ')}" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -f -- "$cur")) ;;
  esac
}
complete -o default -F ${fn} ${spec.program}
`;
}

function zshScript(spec: CompletionSpec): string {
  const fn = `_${spec.program.replace(/\W/g, '_')}`;
  const described = spec.commands
    .flatMap((c) => names(c).map((n) => `    '${n}:${c.description.replace(/[':]/g, ' ')}'`))
    .join('\n');
  const optionCases = spec.commands
    .map((c) => `    (${names(c).join('|')}) opts=(${c.options.join(' ')}) ;;`)
    .join('\n');
  return `#compdef ${spec.program}
# ${spec.program} completion for zsh. Add to ~/.zshrc (after compinit):
#   source <(${spec.program} completion zsh)
${fn}() {
  local -a cmds opts
  cmds=(
${described}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands '${spec.program} command' cmds
    _files -/
    return
  fi
  case \${words[2]} in
${optionCases}
  esac
  if [[ $PREFIX == -* ]]; then
    compadd -a opts
    return
  fi
  case \${words[2]} in
    (${containerPattern(spec).join('|')}) compadd -- \${(f)"$(${spec.program} list --all --quiet 2>/dev/null)"} ;;
    (completion) compadd ${COMPLETION_SHELLS.join(' ')} ;;
    (*) _files ;;
  esac
}
compdef ${fn} ${spec.program}
`;
}

function pwshScript(spec: CompletionSpec): string {
  const table = spec.commands
    .flatMap((c) => names(c).map((n) => `    '${n}' = @(${c.options.map((o) => `'${o}'`).join(', ')})`))
    .join('\n');
  const containers = containerPattern(spec)
    .map((n) => `'${n}'`)
    .join(', ');
  return `# ${spec.program} completion for PowerShell. Add to $PROFILE:
#   ${spec.program} completion pwsh | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName '${spec.program}' -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $options = @{
${table}
  }
  $containerCommands = @(${containers})
  $words = @($commandAst.CommandElements | ForEach-Object { $_.ToString() })
  $cmd = $null
  for ($i = 1; $i -lt $words.Count; $i++) {
    if ($words[$i] -notlike '-*' -and $words[$i] -ne $wordToComplete) { $cmd = $words[$i]; break }
  }
  if (-not $cmd) { $candidates = @($options.Keys) + @(${spec.rootOptions.map((o) => `'${o}'`).join(', ')}) }
  elseif ($wordToComplete -like '-*') { $candidates = $options[$cmd] }
  elseif ($containerCommands -contains $cmd) { $candidates = @(& '${spec.program}' list --all --quiet 2>$null) }
  elseif ($cmd -eq 'completion') { $candidates = @(${COMPLETION_SHELLS.map((s) => `'${s}'`).join(', ')}) }
  else { return }
  $candidates | Where-Object { $_ -like "$wordToComplete*" } | Sort-Object -Unique | ForEach-Object {
    [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
  }
}
`;
}
