import { describe, expect, it } from 'vitest';
import { firstConnectionSplit, parseScaleArgs, ScaleArgsError } from './scale-args.js';

describe('parseScaleArgs', () => {
  it('resolves --out and --cpu-prof against the given directory and leaves them unset by default', () => {
    const args = parseScaleArgs(['--agents', '1000', '--out', 'runs/a.json', '--cpu-prof', '/tmp/prof'], '/home/me');
    expect(args).toMatchObject({ agents: 1000, out: '/home/me/runs/a.json', cpuProfDir: '/tmp/prof' });
    expect(parseScaleArgs([], '/x')).toMatchObject({ out: undefined, cpuProfDir: undefined });
  });

  it('refuses an empty path', () => {
    expect(() => parseScaleArgs(['--out', ''], '/x')).toThrow(/--out needs a path/);
  });

  it('reads --victim-agents with --kill-gateway, keeping the default or explicit --gateways', () => {
    expect(parseScaleArgs(['--agents', '400', '--gateways', '3', '--kill-gateway', '--victim-agents', '200'], '/x')).toMatchObject({ gateways: 3, victimAgents: 200 });
    expect(parseScaleArgs(['--agents', '50000', '--gateways', '4', '--clients', '5', '--kill-gateway', '--victim-agents', '19500'], '/x')).toMatchObject({ gateways: 4, victimAgents: 19_500 });
    // Default: ceil(50 000 / 15 000) + 1 = 5 gateways.
    expect(parseScaleArgs(['--agents', '50000', '--kill-gateway', '--victim-agents', '19500'], '/x')).toMatchObject({ gateways: 5, victimAgents: 19_500 });
    expect(parseScaleArgs(['--agents', '400', '--kill-gateway'], '/x')).toMatchObject({ victimAgents: undefined });
  });

  it.each([
    [['--agents', '400', '--victim-agents', '200'], /--victim-agents only applies with --kill-gateway/],
    [['--agents', '400', '--kill-gateway', '--victim-agents', '401'], /--victim-agents must be an integer in 1\.\.400/],
    [['--agents', '400', '--kill-gateway', '--victim-agents', '0'], /--victim-agents must be an integer in 1\.\.400/],
    [['--agents', '40000', '--gateways', '4', '--kill-gateway', '--victim-agents', '19501'], /--victim-agents 19501 is more than one gateway holds here \(19500/],
    [['--agents', '400', '--gateways', '1', '--kill-gateway', '--victim-agents', '200'], /at least one to survive: use --gateways 2 /],
    [['--agents', '400', '--gateways', '3', '--kill-gateway', '--victim-agents', '399'], /leaves 1 of 400 agents for 2 other gateway\(s\).*use --gateways 2$/],
    [['--agents', '400', '--kill-gateway', '--victim-agents', '400'], /lower --victim-agents \(at most 399 with --gateways 2\)/],
    // Before the kill: 60 000 - 15 000 = 45 000 on 2 gateways is 22 500 each.
    [['--agents', '60000', '--gateways', '3', '--kill-gateway', '--victim-agents', '15000'], /other 2 gateway\(s\) would hold up to 22500 agents each before the kill, more than 19500: use --gateways 5 /],
    // After the kill: 45 000 on 2 survivors is 22 500 each on average, though 12 750 each before.
    [['--agents', '45000', '--gateways', '3', '--kill-gateway', '--victim-agents', '19500'], /after the kill the 2 surviving gateway\(s\) would hold 22500 agents each on average.*use --gateways 4 /],
  ])('refuses %j', (argv, message) => {
    expect(() => parseScaleArgs(argv, '/x')).toThrow(ScaleArgsError);
    expect(() => parseScaleArgs(argv, '/x')).toThrow(message);
  });
});

describe('parseScaleArgs --embedded', () => {
  it('runs one all-in-one process: one gateway, no kill, the other scenarios as asked', () => {
    expect(parseScaleArgs(['--embedded', '--agents', '2000', '--clients', '1', '--steady-s', '10', '--fanout'], '/x')).toMatchObject({
      embedded: true,
      agents: 2000,
      gateways: 1,
      clients: 1,
      steadyS: 10,
      fanout: true,
      killGateway: false,
    });
    expect(parseScaleArgs(['--embedded', '--agents', '19500', '--gateways', '1'], '/x')).toMatchObject({ embedded: true, agents: 19_500, gateways: 1 });
    expect(parseScaleArgs([], '/x')).toMatchObject({ embedded: false });
  });

  it.each([
    [['--embedded', '--kill-gateway'], /--kill-gateway needs separate gateway processes; --embedded runs a single all-in-one process/],
    [['--embedded', '--kill-gateway', '--victim-agents', '10'], /--kill-gateway needs separate gateway processes/],
    [['--embedded', '--gateways', '2'], /--gateways 2 needs separate gateway processes; --embedded runs a single all-in-one process \(drop --gateways\)/],
    [['--embedded', '--agents', '19501'], /--agents 19501 is more than one process holds here with --embedded \(19500/],
    [['--embedded', '--agents', '100000', '--clients', '10'], /--agents 100000 is more than one process holds/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseScaleArgs(argv, '/x')).toThrow(ScaleArgsError);
    expect(() => parseScaleArgs(argv, '/x')).toThrow(message);
  });
});

describe('firstConnectionSplit', () => {
  it('gives the victim its agents and the others the rest evenly', () => {
    expect(firstConnectionSplit(400, 3, 200)).toEqual([200, 100, 100]);
    expect(firstConnectionSplit(50_000, 4, 19_500)).toEqual([19_500, 10_167, 10_167, 10_166]);
  });

  it('splits evenly without a victim', () => {
    expect(firstConnectionSplit(10, 3)).toEqual([4, 3, 3]);
    expect(firstConnectionSplit(20_000, 2)).toEqual([10_000, 10_000]);
  });
});
