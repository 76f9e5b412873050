import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_COLLECTOR_METRICS, sampleProcessUsage, scrapeCollectorMetrics } from './process-metrics.js';

let server: Server | undefined;
afterEach(async () => {
  if (server !== undefined) await new Promise((ok) => server!.close(ok));
  server = undefined;
});

async function serve(status: number, text: string): Promise<string> {
  server = createServer((_req, res) => res.writeHead(status, { 'content-type': 'text/plain' }).end(text));
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

describe('scrapeCollectorMetrics', () => {
  it('sums series over labels and keeps histogram counts and sums', async () => {
    const url = await serve(
      200,
      [
        '# TYPE otelcol_exporter_sent_spans counter',
        'otelcol_exporter_sent_spans{exporter="otlp"} 10',
        'otelcol_exporter_sent_spans{exporter="debug"} 5',
        '# TYPE otelcol_process_uptime counter',
        'otelcol_process_uptime 12.5',
        '# TYPE otelcol_exporter_send_latency histogram',
        'otelcol_exporter_send_latency_bucket{le="1"} 2',
        'otelcol_exporter_send_latency_bucket{le="+Inf"} 3',
        'otelcol_exporter_send_latency_sum 4.5',
        'otelcol_exporter_send_latency_count 3',
        'otelcol_weird NaN',
        '',
      ].join('\n'),
    );
    expect(await scrapeCollectorMetrics(url, 1_000)).toEqual({
      otelcol_exporter_sent_spans: 15,
      otelcol_process_uptime: 12.5,
      otelcol_exporter_send_latency_count: 3,
      otelcol_exporter_send_latency_sum: 4.5,
    });
  });

  it(`keeps at most ${MAX_COLLECTOR_METRICS} metrics`, async () => {
    const url = await serve(200, Array.from({ length: MAX_COLLECTOR_METRICS + 20 }, (_, i) => `m_${i} ${i}`).join('\n'));
    expect(Object.keys(await scrapeCollectorMetrics(url, 1_000))).toHaveLength(MAX_COLLECTOR_METRICS);
  });

  it('gives nothing for an error answer or an unreachable page', async () => {
    expect(await scrapeCollectorMetrics(await serve(500, 'a 1'), 1_000)).toEqual({});
    const closed = await serve(200, 'a 1');
    await new Promise((ok) => server!.close(ok));
    server = undefined;
    expect(await scrapeCollectorMetrics(closed, 1_000)).toEqual({});
  });
});

describe('sampleProcessUsage', () => {
  it('measures CPU and RSS of a live process and nothing for a gone one', async () => {
    const child = spawn(process.execPath, ['-e', 'const a = []; for (let i = 0; i < 1e6; i++) a.push(i); for (;;);']);
    try {
      await new Promise((r) => setTimeout(r, 200));
      await sampleProcessUsage(child.pid!); // CPU % is measured between two samples
      await new Promise((r) => setTimeout(r, 300));
      const usage = await sampleProcessUsage(child.pid!);
      expect(usage!.memory_usage_bytes).toBeGreaterThan(10_000_000);
      expect(usage!.cpu_usage_percent).toBeGreaterThan(0);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    expect(await sampleProcessUsage(child.pid!)).toBeUndefined();
  });
});
