import { describe, expect, it } from 'vitest';
import { LoadgenOptionError, MAX_AGENTS_PER_PROCESS, parseLoadgenOptions } from './loadgen-options.js';

describe('parseLoadgenOptions', () => {
  it('applies defaults and reads the token from the environment', () => {
    const o = parseLoadgenOptions(['--url', 'ws://127.0.0.1:4320/v1/opamp'], { LOADGEN_TOKEN: 't' });
    expect(o).toMatchObject({ transport: 'websocket', agents: 1000, heartbeatMs: 30_000, durationS: 60, sourceAddresses: 16, token: 't', labels: { env: 'loadgen' } });
    expect(o.runSeed).toMatch(/^[0-9a-f]{16}$/);
    expect(o.httpRate).toBeUndefined();
  });

  it('reads every flag, repeated urls and labels', () => {
    const o = parseLoadgenOptions(
      ['--url', 'http://a:1/p', '--url', 'http://b:2/p', '--agents', '5', '--first-index', '10', '--run-seed', '0123456789abcdef', '--http-rate', '900', '--label', 'env=x', '--label', 'team=y=z'],
      {},
    );
    expect(o).toMatchObject({ transport: 'http', urls: ['http://a:1/p', 'http://b:2/p'], agents: 5, firstIndex: 10, runSeed: '0123456789abcdef', httpRate: 900 });
    expect(o.labels).toEqual({ env: 'x', team: 'y=z' });
  });

  it('reads --url-weights, one per --url, and defaults to an even split', () => {
    const urls = ['--url', 'ws://a/p', '--url', 'ws://b/p', '--url', 'ws://c/p'];
    expect(parseLoadgenOptions([...urls, '--url-weights', '2,1,1'], {}).urlWeights).toEqual([2, 1, 1]);
    expect(parseLoadgenOptions(urls, {}).urlWeights).toEqual([1, 1, 1]);
  });

  it.each([
    [['--url', 'ws://a/p', '--url', 'ws://b/p', '--url-weights', '2,1,1'], /one weight per --url: got 3 weights for 2 urls/],
    [['--url', 'ws://a/p', '--url', 'ws://b/p', '--url-weights', '2'], /one weight per --url: got 1 weights for 2 urls/],
    [['--url', 'ws://a/p', '--url', 'ws://b/p', '--url-weights', '2,0'], /--url-weights must be positive integers/],
    [['--url', 'ws://a/p', '--url', 'ws://b/p', '--url-weights', '2,-1'], /--url-weights must be positive integers/],
    [['--url', 'ws://a/p', '--url', 'ws://b/p', '--url-weights', '1.5,1'], /--url-weights must be positive integers/],
    [['--url', 'ws://a/p', '--url', 'ws://b/p', '--url-weights', '1,,1'], /--url-weights must be positive integers/],
    [['--url', 'ws://a/p', '--url-weights', ''], /--url-weights must be positive integers/],
  ])('refuses bad weights %j', (argv, message) => {
    expect(() => parseLoadgenOptions(argv as string[], {})).toThrow(LoadgenOptionError);
    expect(() => parseLoadgenOptions(argv as string[], {})).toThrow(message);
  });

  it.each([
    [[], /--url is required/],
    [['--url', 'ws://a/p', '--url', 'http://a/p'], /same scheme/],
    [['--url', 'ftp://a/p'], /must be ws:/],
    [['--url', 'ws://a/p', '--agents', String(MAX_AGENTS_PER_PROCESS + 1)], /--agents must be an integer/],
    [['--url', 'ws://a/p', '--duration-s', '0'], /--duration-s/],
    [['--url', 'ws://a/p', '--run-seed', 'xyz'], /--run-seed/],
    [['--url', 'ws://a/p', '--label', 'novalue'], /--label must look like key=value/],
    [['--url', 'ws://a/p', '--reconnect-min-ms', '1000', '--reconnect-max-ms', '500'], /--reconnect-max-ms/],
    [['--url', 'ws://a/p', '--bogus', '1'], /bogus/],
    [['--url', 'ws://a/p', '--duration-s', '5', '--warmup-s', '5'], /--warmup-s must be an integer in 0..4/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseLoadgenOptions(argv as string[], {})).toThrow(LoadgenOptionError);
    expect(() => parseLoadgenOptions(argv as string[], {})).toThrow(message);
  });
});
