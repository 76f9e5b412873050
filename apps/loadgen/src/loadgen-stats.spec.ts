import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoadgenStats, MAX_ERROR_KINDS } from './loadgen-stats.js';

const T0 = Date.UTC(2025, 0, 1);

describe('LoadgenStats measured window', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts sends, skips, errors and latency after the warm-up apart from the whole run', () => {
    const stats = new LoadgenStats(10, T0, T0 + 3_000);
    // Warm-up: the first-poll burst, skipped at the bound and failing.
    for (let i = 0; i < 10; i += 1) stats.recordSent('full');
    for (let i = 0; i < 7; i += 1) stats.recordHttpSkipped();
    stats.recordHttpError('ECONNREFUSED');
    stats.recordLatency(900);
    vi.setSystemTime(T0 + 3_000);
    for (let i = 0; i < 4; i += 1) stats.recordSent('heartbeat');
    stats.recordSent('applied');
    stats.recordHttpSkipped();
    stats.recordHttpError('status 429');
    stats.recordHttpError('status 429');
    stats.recordHttpError('ECONNRESET');
    stats.recordLatency(5);

    expect(stats.measured(T0 + 5_500)).toEqual({ sent: 5, skipped: 1, errors: 3, errorKinds: { 'status 429': 2, ECONNRESET: 1 }, seconds: 2.5 });
    expect(stats.totalLatency.percentiles()).toMatchObject({ count: 1, max: 5 });
    const whole = stats.snapshot(T0 + 5_500);
    expect(whole).toMatchObject({ sent: { full: 10, heartbeat: 4, applied: 1 }, httpSkipped: 8, httpErrors: 4 });
  });

  it('has an empty window when the run stops during the warm-up', () => {
    const stats = new LoadgenStats(1, T0, T0 + 3_000);
    stats.recordSent('full');
    expect(stats.measured(T0 + 1_000)).toEqual({ sent: 0, skipped: 0, errors: 0, errorKinds: {}, seconds: 0 });
  });

  it('tells at most MAX_ERROR_KINDS kinds of failed polls apart, the rest under other', () => {
    const stats = new LoadgenStats(1, T0, T0);
    for (let i = 0; i < MAX_ERROR_KINDS + 4; i += 1) stats.recordHttpError(`status ${500 + i}`);
    stats.recordHttpError('status 500');
    const { errors, errorKinds } = stats.measured(T0 + 1_000);
    expect(errors).toBe(MAX_ERROR_KINDS + 5);
    expect(Object.keys(errorKinds)).toHaveLength(MAX_ERROR_KINDS);
    expect(errorKinds['status 500']).toBe(2);
    expect(errorKinds['other']).toBe(5);
  });
});
