/** `${NAME}` or `${NAME:-default}`: a value read from the agent's environment at run time. */
export interface EnvRef {
  name: string;
  default?: string;
}

export type Segment = string | EnvRef;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const REF = /\$\{([^}]*)\}/g;

export function isEnvName(name: string): boolean {
  return NAME.test(name);
}

/** Splits a config string into literal text and env references; throws on a malformed `${...}`. */
export function parseTemplate(text: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(REF)) {
    const body = match[1] ?? '';
    const sep = body.indexOf(':-');
    const name = sep === -1 ? body : body.slice(0, sep);
    if (!isEnvName(name)) {
      throw new SyntaxError(
        `malformed env reference \`${match[0]}\`: expected \${NAME} or \${NAME:-default}`,
      );
    }
    if (match.index > last) segments.push(text.slice(last, match.index));
    segments.push(sep === -1 ? { name } : { name, default: body.slice(sep + 2) });
    last = match.index + match[0].length;
  }
  const rest = text.slice(last);
  if (rest.includes('${')) {
    throw new SyntaxError(
      `unterminated env reference in \`${text}\`: expected \${NAME} or \${NAME:-default}`,
    );
  }
  if (rest !== '') segments.push(rest);
  return segments;
}

export function envRefs(text: string): EnvRef[] {
  return parseTemplate(text).filter((s): s is EnvRef => typeof s !== 'string');
}

export function hasEnvRef(text: string): boolean {
  return envRefs(text).length > 0;
}

/** The variable name when the whole string is exactly `${NAME}` (no default), else undefined. */
export function wholeRef(text: string): string | undefined {
  const segments = parseTemplate(text);
  const only = segments.length === 1 ? segments[0] : undefined;
  return only !== undefined && typeof only !== 'string' && only.default === undefined ? only.name : undefined;
}
