/** median, min and max of a list of milliseconds (the median of an even count is the mean of the middle two). */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return null;
  const median = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return {
    median: round(median),
    min: round(sorted[0]),
    max: round(sorted[n - 1]),
    n,
    values: values.map(round),
  };
}

export function round(ms) {
  return Math.round(ms * 10) / 10;
}

export function seconds(ms) {
  return (ms / 1000).toFixed(2);
}

export function spread(stat) {
  if (!stat) return '-';
  if (stat.n === 1) return `${seconds(stat.median)}`;
  return `${seconds(stat.median)} (${seconds(stat.min)}-${seconds(stat.max)})`;
}

export function mb(bytes) {
  if (bytes === null || bytes === undefined) return '-';
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

/** Plain text columns, padded to the widest cell. */
export function textTable(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...all.map((row) => String(row[col] ?? '').length)));
  const line = (row) =>
    row
      .map((cell, col) => String(cell ?? '').padEnd(widths[col]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function markdownTable(header, rows) {
  const line = (row) => `| ${row.map((cell) => String(cell ?? '')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
