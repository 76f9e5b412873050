import { describe, expect, it } from 'vitest';
import { InvalidBusUrlError } from '../errors.js';
import { parseServers, redact } from './server-urls.js';

describe('parseServers', () => {
  it('accepts several URLs, bare host:port, default port and tls', () => {
    const parsed = parseServers(['nats://a:4223, b', 'tls://c:4443']);
    expect(parsed.servers).toEqual(['a:4223', 'b:4222', 'tls://c:4443']);
    expect(parsed.display).toBe('nats://a:4223,nats://b:4222,tls://c:4443');
  });

  it('takes user and password, or a token, from the URL and keeps them out of display', () => {
    expect(parseServers('nats://u:p%40ss@h:1')).toMatchObject({ user: 'u', pass: 'p@ss', display: 'nats://h:1' });
    expect(parseServers('nats://tok@h:1')).toMatchObject({ token: 'tok', display: 'nats://h:1' });
  });

  it.each(['', 'ws://h:1', 'nats://h:1?x=1', 'nats://h:abc'])('rejects %j', (url) => {
    expect(() => parseServers(url)).toThrow(InvalidBusUrlError);
  });

  it('redacts credentials', () => {
    expect(redact('nats://u:secret@h:1')).toBe('nats://***@h:1');
  });
});
