import { createHmac } from 'node:crypto';

export type HostKeyVerdict = 'known' | 'unknown' | 'changed' | 'revoked';

/** How OpenSSH names a host in known_hosts: `host`, or `[host]:port` off port 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/**
 * Judges a server's host key (SSH wire format) against known_hosts text as `ssh` does with
 * StrictHostKeyChecking: `known` when an entry for the host has this key; `changed` when the host
 * has entries but none with this key; `revoked` for an `@revoked` key; else `unknown`.
 * Plain, wildcard (`*`, `?`) and hashed (`|1|salt|hash`) host patterns; negations exclude.
 */
export function checkHostKey(texts: string[], host: string, port: number, key: Buffer): HostKeyVerdict {
  const name = knownHostsName(host, port);
  let sawHost = false;
  for (const text of texts) {
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const fields = line.split(/\s+/);
      const marker = fields[0]?.startsWith('@') ? fields.shift() : undefined;
      const [patterns, , base64] = fields;
      if (!patterns || !base64 || marker === '@cert-authority') continue;
      if (!hostMatches(patterns, name)) continue;
      const same = Buffer.from(base64, 'base64').equals(key);
      if (marker === '@revoked') {
        if (same) return 'revoked';
        continue;
      }
      if (same) return 'known';
      sawHost = true;
    }
  }
  return sawHost ? 'changed' : 'unknown';
}

function hostMatches(patterns: string, name: string): boolean {
  let matched = false;
  for (const pattern of patterns.split(',')) {
    if (pattern.startsWith('|1|')) {
      const [, , salt, hash] = pattern.split('|');
      if (!salt || !hash) continue;
      const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
      if (digest === hash) matched = true;
      continue;
    }
    const negated = pattern.startsWith('!');
    if (globMatches(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function globMatches(glob: string, name: string): boolean {
  const regex = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(name);
}
