import type { EngineEndpoint } from './connect.js';

/**
 * Parses a docker host URL. Like the docker CLI, `host:port` without a scheme means tcp, and
 * tcp defaults to port 2376 with TLS and 2375 without.
 */
export function parseDockerHost(value: string, source: string, tls?: EngineEndpoint['tls']): EngineEndpoint {
  const trimmed = value.trim();
  const withScheme =
    /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) || /^[/\\]/.test(trimmed) ? trimmed : `tcp://${trimmed}`;
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(withScheme);
  if (!match) {
    throw new TypeError(
      `${source} must look like unix:///path, tcp://host:port, ssh://user@host or npipe:////./pipe/name, got \`${value}\``,
    );
  }
  const scheme = match[1]!.toLowerCase();
  const rest = match[2]!;
  switch (scheme) {
    case 'unix':
      if (rest === '') throw new TypeError(`${source}: unix:// needs a socket path, got \`${value}\``);
      return { url: trimmed, protocol: 'unix', socketPath: rest, source };
    case 'npipe': {
      // npipe:////./pipe/docker_engine -> //./pipe/docker_engine (backslashes work too)
      const pipe = rest.replace(/\\/g, '/').replace(/^\/*/, '//');
      if (pipe === '//') throw new TypeError(`${source}: npipe:// needs a pipe name, got \`${value}\``);
      return { url: trimmed, protocol: 'npipe', socketPath: pipe, source };
    }
    case 'tcp':
    case 'http':
    case 'https': {
      const url = parseUrl(`tcp://${rest}`, value, source);
      // `https://` asks for TLS even without certificates: the system's CAs verify the server.
      const secureTls = tls ?? (scheme === 'https' ? { verify: true } : undefined);
      const endpoint: EngineEndpoint = {
        url: withScheme,
        protocol: 'tcp',
        host: unbracket(url.hostname),
        port: url.port ? Number(url.port) : secureTls ? 2376 : 2375,
        source,
      };
      if (secureTls) endpoint.tls = secureTls;
      return endpoint;
    }
    case 'ssh': {
      const url = parseUrl(withScheme, value, source);
      const endpoint: EngineEndpoint = {
        url: withScheme,
        protocol: 'ssh',
        host: unbracket(url.hostname),
        port: url.port ? Number(url.port) : 22,
        source,
      };
      if (url.username) endpoint.username = decodeURIComponent(url.username);
      return endpoint;
    }
    default:
      throw new TypeError(
        `${source}: unsupported scheme \`${scheme}\` in \`${value}\` (use unix, tcp, ssh or npipe)`,
      );
  }
}

function parseUrl(text: string, value: string, source: string): URL {
  try {
    const url = new URL(text);
    if (url.hostname === '') throw new TypeError('no host');
    return url;
  } catch {
    throw new TypeError(`${source}: cannot read a host and port from \`${value}\``);
  }
}

/** `new URL` keeps the brackets of an IPv6 host; sockets want the bare address. */
function unbracket(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1');
}
