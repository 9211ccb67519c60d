import { Command, CommanderError } from 'commander';
import { hostFacts } from '../config/paths.js';
import { ExitCode, isLaunchError, messageOf } from '../errors.js';
import { packageVersion } from '../util/package-root.js';
import { addColourOptions, chalkFor, colourChoiceOf, setColourChoice } from './colour.js';
import { registerCommands } from './commands/index.js';
import { configureHelp } from './help.js';
import { maskJson, maskSecrets } from './logger.js';

export function buildProgram(): Command {
  const program = new Command('launch-agent');
  configureHelp(program);
  program
    .usage('[SOURCE] [options]\n       launch-agent COMMAND [options]')
    .description(
      'Put an AI coding agent (Claude Code, Codex, Copilot CLI, Gemini CLI) into a fresh, isolated container holding a copy of a repository (SOURCE, the one you are in by default); its work comes back with git push.',
    )
    .showSuggestionAfterError(true)
    // Root options (the launch's) only before a subcommand, so `doctor --json` is doctor's.
    .enablePositionalOptions()
    .exitOverride()
    .hook('preAction', registerSecretsOf);
  registerCommands(program);
  program.optionsGroup('Output:');
  program.version(packageVersion(), '-V, --version', 'print the version');
  program.helpOption('-h, --help', 'show this help (`launch-agent help COMMAND` for a command)');
  addColourOptions(program);
  program.addHelpText('after', ROOT_FOOTER);
  return program;
}

const ROOT_FOOTER = `
In the container, \`git push\` brings the agent's branch back to your repo.
Exit codes: 0 ok, 1 failure, 2 usage, 3 engine, 4 not found, 5 conflict,
6 image build, 124 wait timed out, 130 interrupted. All flags: docs/commands.md.`;

/**
 * Before any command runs, the tokens it may come across are masked: the agents' token variables,
 * the secrets file and a command's `--secrets FILE` (launch, doctor). Loaded here, not imported,
 * because it needs every agent's descriptor (and smol-toml with codex's), which `--help` does not.
 */
async function registerSecretsOf(_program: Command, action: Command): Promise<void> {
  // A TAB must stay quick, and completion prints no secret.
  if (action.name() === '__complete') return;
  const { registerKnownSecrets } = await import('./known-secrets.js');
  const { secrets } = action.opts<{ secrets?: unknown }>();
  registerKnownSecrets(hostFacts(), typeof secrets === 'string' ? [secrets] : []);
}

/** The single error boundary: every failure is printed here and becomes the exit code. */
export async function main(argv: string[]): Promise<void> {
  // `launch-agent help | head`: a reader that stopped reading is not an error (nor a stack trace).
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.ok);
    throw error;
  });
  setColourChoice(colourChoiceOf(argv));
  const program = buildProgram();
  const wantsJson = argv.includes('--json');
  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync(argv);
    if (process.exitCode === undefined) process.exitCode = ExitCode.ok;
  } catch (error) {
    const chalk = await chalkFor(process.stderr);
    const command = argv
      .slice(2)
      .find((word) => program.commands.some((c) => c.name() === word || c.aliases().includes(word)));
    process.exitCode = report(error, { json: wantsJson, verbose, chalk, command });
  }
}

type Paint = Awaited<ReturnType<typeof chalkFor>>;

function report(
  error: unknown,
  options: { json: boolean; verbose: boolean; chalk: Paint; command: string | undefined },
): number {
  const { chalk } = options;
  if (error instanceof CommanderError) {
    // commander already printed help/version or its own usage message.
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    ) {
      return ExitCode.ok;
    }
    if (error.exitCode === 0) return ExitCode.ok;
    // stderr has commander's message; the hint says where the right spelling is.
    const hint = `\`launch-agent help${options.command ? ` ${options.command}` : ''}\` shows the options and examples`;
    err(`${chalk.cyan('hint:')} ${hint}\n`);
    if (options.json) {
      const message = error.message.replace(/^error: /, '');
      outJson({ error: { code: 'USAGE', message, hint } });
    }
    return ExitCode.usage;
  }
  if (isLaunchError(error)) {
    if (options.json && !error.reported) {
      outJson({
        error: {
          code: error.code,
          message: error.message,
          hint: error.hint ?? null,
          ...(error.details ?? {}),
        },
      });
    }
    err(`${chalk.red.bold('error:')} ${error.message}\n`);
    if (error.hint) err(`${chalk.cyan('hint:')} ${error.hint}\n`);
    if (options.verbose && error.cause) err(`cause: ${stackOf(error.cause)}\n`);
    return error.exitCode;
  }
  if (options.json) {
    outJson({ error: { code: 'INTERNAL', message: messageOf(error) } });
  }
  err(`${chalk.red.bold('error:')} internal error: ${messageOf(error)}\n`);
  if (options.verbose) err(`${stackOf(error)}\n`);
  else err(`${chalk.cyan('hint:')} rerun with --verbose for the stack, and report it if it persists\n`);
  return ExitCode.failure;
}

/** All error output is masked: a message may quote a command line or an engine error. */
const err = (text: string) => process.stderr.write(maskSecrets(text));
/** Masked value by value, so the document stays valid JSON. */
const outJson = (doc: unknown) => process.stdout.write(`${JSON.stringify(maskJson(doc), null, 2)}\n`);

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
