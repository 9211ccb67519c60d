import { existsSync } from 'node:fs';
import { LaunchError } from '../errors.js';
import { BARE_OWNER_REPO, parseRemoteSource } from '../git/clone.js';
import { didYouMean } from '../util/did-you-mean.js';

/** How a source is written, for hints (the launch's own errors say the same). */
export const SOURCE_FORMS =
  'a folder inside a git work tree, or a URL (https://…, git@host:owner/repo, gh:owner/repo)';

/**
 * The launch's SOURCE word, checked before anything runs, for the two cases a path lookup would
 * get wrong: a bare word that is not a folder (a mistyped command: did-you-mean) and a missing
 * `owner/repo` (never cloned: the error says how to name GitHub). Anything else that looks like a
 * path (`./x`, `/x`, `a/b/c`, `C:\x`, `\\wsl$\…`) is left to the launch, which translates
 * Windows and WSL paths and says `no such folder` itself. Pure apart from `exists`.
 */
export function checkSourceWord(
  word: string,
  commands: readonly string[],
  exists: (p: string) => boolean = existsSync,
): void {
  if (exists(word) || parseRemoteSource(word, exists)) return;
  const bare = BARE_OWNER_REPO.exec(word);
  if (bare && !word.startsWith('.')) {
    throw new LaunchError('SOURCE_NOT_FOUND', `no such folder: ${word}`, {
      hint: `for the GitHub repository write gh:${bare[1]}/${bare[2]} or github.com/${bare[1]}/${bare[2]}`,
    });
  }
  if (/[/\\:~]/.test(word) || word.startsWith('.')) return;
  const near = didYouMean(word, commands);
  if (near.length > 0) {
    throw new LaunchError('USAGE', `unknown command \`${word}\``, {
      hint: `did you mean ${near.map((c) => `\`launch-agent ${c}\``).join(' or ')}? (\`launch-agent help\` lists the commands)`,
    });
  }
  throw new LaunchError('SOURCE_NOT_FOUND', `\`${word}\` is neither a command nor a folder`, {
    hint: `\`launch-agent help\` lists the commands; a source is ${SOURCE_FORMS}`,
  });
}
