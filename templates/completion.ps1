# launch-agent completion for PowerShell 7.3+. Add to $PROFILE:
#   launch-agent completion pwsh | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName 'launch-agent' -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $words = @($commandAst.CommandElements | Select-Object -Skip 1 |
    Where-Object { $_.Extent.StartOffset -lt $cursorPosition } | ForEach-Object { $_.ToString() })
  if ($wordToComplete -eq '') { $words += '' }
  $lines = @(& 'launch-agent' __complete pwsh -- @words 2>$null)
  if ($lines.Count -eq 0) { return }
  $directive = $lines[-1]
  $results = @($lines | Select-Object -SkipLast 1 | Where-Object { $_ -ne '' } | ForEach-Object {
    $value, $tip = $_ -split "\t", 2
    if (-not $tip) { $tip = $value }
    [System.Management.Automation.CompletionResult]::new($value, $value, 'ParameterValue', $tip)
  })
  if ($directive -eq ':dirs') {
    $results += @(Get-ChildItem -Directory -Path "$wordToComplete*" -ErrorAction SilentlyContinue | ForEach-Object {
      [System.Management.Automation.CompletionResult]::new($_.Name, $_.Name, 'ProviderContainer', $_.FullName)
    })
  }
  if ($results.Count -gt 0) { return $results }
  # Nothing to offer: answer with the word itself, so PowerShell does not fall back to file names.
  if ($directive -eq ':none') {
    [System.Management.Automation.CompletionResult]::new($wordToComplete, $wordToComplete, 'ParameterValue', $wordToComplete)
  }
}
