import { existsSync } from 'node:fs';
import { LaunchError } from '../errors.js';
import { BARE_OWNER_REPO, parseRemoteSource } from '../git/clone.js';
import { didYouMean } from '../util/did-you-mean.js';

const SOURCE_FORMS =
  'a folder inside a git work tree, or a URL (https://…, git@host:owner/repo, gh:owner/repo)';

/**
 * The launch's SOURCE word, checked before anything runs: an existing path or an unambiguous URL.
 * Anything else is an error, never a guess: a near-miss of a command gets a did-you-mean, a missing
 * `owner/repo` is told how to name GitHub. Pure apart from `exists`.
 */
export function checkSourceWord(
  word: string,
  commands: readonly string[],
  exists: (p: string) => boolean = existsSync,
): void {
  if (exists(word) || parseRemoteSource(word, exists)) return;
  const looksLikePath = /^(\.|~|\/|[A-Za-z]:[\\/])/.test(word) || word.includes('\\');
  const bare = BARE_OWNER_REPO.exec(word);
  if (bare && !looksLikePath) {
    throw new LaunchError('SOURCE_NOT_FOUND', `no such folder: ${word}`, {
      hint: `for the GitHub repository write gh:${bare[1]}/${bare[2]} or github.com/${bare[1]}/${bare[2]}`,
    });
  }
  if (looksLikePath || word.includes('/')) {
    throw new LaunchError('SOURCE_NOT_FOUND', `no such folder: ${word}`, { hint: `pass ${SOURCE_FORMS}` });
  }
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
