/** The endpoints an agent cycles through, with the scheme its transport needs. */
export class EndpointRing {
  readonly #urls: readonly string[];
  #index = 0;

  constructor(urls: readonly string[], transport: 'websocket' | 'http') {
    this.#urls = urls.map((url) => withScheme(url, transport));
  }

  /** The endpoint in use. */
  get current(): string {
    return this.#urls[this.#index] as string;
  }

  /** Moves to the next endpoint (wrapping) and returns it. */
  advance(): string {
    this.#index = (this.#index + 1) % this.#urls.length;
    return this.current;
  }
}

/** ws:// ↔ http:// and wss:// ↔ https://, keeping host, path and query. */
export function withScheme(url: string, transport: 'websocket' | 'http'): string {
  const secure = url.startsWith('wss:') || url.startsWith('https:');
  const scheme = transport === 'websocket' ? (secure ? 'wss' : 'ws') : secure ? 'https' : 'http';
  return url.replace(/^[a-z]+:/, `${scheme}:`);
}
