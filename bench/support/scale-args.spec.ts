import { describe, expect, it } from 'vitest';
import { parseScaleArgs } from './scale-args.js';

describe('parseScaleArgs', () => {
  it('resolves --out and --cpu-prof against the given directory and leaves them unset by default', () => {
    const args = parseScaleArgs(['--agents', '1000', '--out', 'runs/a.json', '--cpu-prof', '/tmp/prof'], '/home/me');
    expect(args).toMatchObject({ agents: 1000, out: '/home/me/runs/a.json', cpuProfDir: '/tmp/prof' });
    expect(parseScaleArgs([], '/x')).toMatchObject({ out: undefined, cpuProfDir: undefined });
  });

  it('refuses an empty path', () => {
    expect(() => parseScaleArgs(['--out', ''], '/x')).toThrow(/--out needs a path/);
  });
});
