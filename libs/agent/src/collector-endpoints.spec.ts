import { describe, expect, it } from 'vitest';
import { endpointsFromConfig } from './collector-endpoints.js';

describe('endpointsFromConfig', () => {
  it('takes the health URL from an enabled health_check extension, with the collector defaults', () => {
    expect(endpointsFromConfig('extensions: { health_check: {} }\nservice: { extensions: [health_check] }')).toEqual({ healthUrl: 'http://localhost:13133/' });
    expect(endpointsFromConfig('extensions: { health_check: { endpoint: "0.0.0.0:1234", path: "/health/status" } }\nservice: { extensions: [health_check] }')).toEqual({
      healthUrl: 'http://127.0.0.1:1234/health/status',
    });
    expect(endpointsFromConfig('extensions: { health_check: { endpoint: "[::]:99" } }\nservice: { extensions: [health_check] }')).toEqual({ healthUrl: 'http://[::1]:99/' });
  });

  it('has no health URL when the extension is defined but not enabled, or uses config expansion', () => {
    expect(endpointsFromConfig('extensions: { health_check: { endpoint: "127.0.0.1:1" } }\nservice: {}')).toEqual({});
    expect(endpointsFromConfig('extensions: { health_check: { endpoint: "${env:HOST}:13133" } }\nservice: { extensions: [health_check] }')).toEqual({});
  });

  it('takes the metrics URL from service.telemetry.metrics (address or a pull Prometheus reader)', () => {
    expect(endpointsFromConfig('service: { telemetry: { metrics: { address: "127.0.0.1:8888" } } }')).toEqual({ metricsUrl: 'http://127.0.0.1:8888/metrics' });
    const readers = 'service:\n  telemetry:\n    metrics:\n      readers:\n        - pull:\n            exporter:\n              prometheus: { host: 0.0.0.0, port: 8889 }\n';
    expect(endpointsFromConfig(readers)).toEqual({ metricsUrl: 'http://127.0.0.1:8889/metrics' });
  });

  it('returns nothing for text that is not YAML', () => {
    expect(endpointsFromConfig('a: [')).toEqual({});
  });
});
