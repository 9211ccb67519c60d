/** How an allowlist session reaches its proxy (images/proxy): names, port, files and env. */

/** The proxy's name on the session's network, and its port: what HTTP(S)_PROXY point at. */
export const PROXY_ALIAS = 'egress-proxy';
export const PROXY_PORT = 8888;
/** Files the proxy reads (images/proxy/tinyproxy.conf) and the list as `egress --list` shows it. */
export const PROXY_FILTER_PATH = 'etc/tinyproxy/filter';
export const PROXY_ALLOW_JSON_PATH = 'etc/tinyproxy/allow.json';

/** An allowlist session's proxy container and internal network share this name. */
export function egressName(session: string): string {
  return `${session}-egress`;
}

/** Both spellings: curl reads only the lower-case http_proxy, some tools only the upper-case ones. */
export function proxyEnv(): string[] {
  const url = `http://${PROXY_ALIAS}:${PROXY_PORT}`;
  const local = 'localhost,127.0.0.1,::1';
  return [
    ...['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'].map((key) => `${key}=${url}`),
    `NO_PROXY=${local}`,
    `no_proxy=${local}`,
  ];
}
