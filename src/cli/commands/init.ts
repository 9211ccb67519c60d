import type { Command } from 'commander';
import { addCommonOptions, CliContext, type CommonOptions } from '../context.js';

export function registerInit(program: Command): void {
  addCommonOptions(
    program
      .command('init')
      .summary('create config.toml, secrets.env and shell aliases')
      .description(
        'put config.toml, secrets.env (0600) and shell aliases in the config folder, never overwriting',
      ),
  ).action(async (options: CommonOptions) => {
    const ctx = new CliContext(options);
    const { initConfig } = await import('../../core/sessions/init.js');
    const { hostFacts } = await import('../../config/paths.js');
    const result = await initConfig(hostFacts());
    ctx.print(result, () => {
      const lines = result.files.map((f) => {
        if (f.status === 'created') return `created ${f.path}`;
        if (f.status === 'exists') return `kept    ${f.path} (already there)`;
        return `skipped ${f.path} (no template in this install)`;
      });
      const sh = result.files.find((f) => f.file === 'aliases.sh')?.path;
      const ps = result.files.find((f) => f.file === 'aliases.ps1')?.path;
      lines.push('', 'next:');
      lines.push('  put tokens in secrets.env (e.g. CLAUDE_CODE_OAUTH_TOKEN from `claude setup-token`)');
      if (sh) lines.push(`  bash/zsh: add \`. ${sh}\` to ~/.bashrc or ~/.zshrc`);
      if (ps) lines.push(`  PowerShell: add \`. ${ps}\` to $PROFILE`);
      return lines.join('\n');
    });
  });
}
