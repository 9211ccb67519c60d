/** The candidates closest to `word` (edit distance at most a third of its length, 1 at least). */
export function didYouMean(word: string, candidates: readonly string[]): string[] {
  const limit = Math.max(1, Math.floor(word.length / 3));
  const scored = candidates
    .map((candidate) => ({ candidate, distance: editDistance(word.toLowerCase(), candidate) }))
    .filter((s) => s.distance <= limit || (word.length >= 2 && s.candidate.startsWith(word.toLowerCase())));
  const best = Math.min(...scored.map((s) => s.distance));
  const closest = scored.filter((s) => s.distance === best).map((s) => s.candidate);
  // `lis`: `list` (it starts so) before `ls`, though both are one step away.
  const started = closest.filter((c) => c.startsWith(word.toLowerCase()));
  return started.length > 0 ? started : closest;
}

/** Damerau-Levenshtein (adjacent swaps count once): `lsit` is one step from `list`. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = value;
    }
  }
  return d[a.length]![b.length]!;
}
