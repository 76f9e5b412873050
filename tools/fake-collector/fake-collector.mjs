#!/usr/bin/env node
// A small stand-in for the OpenTelemetry Collector, for tests and demos of the Shepherd agent.
// Usage: node fake-collector.mjs --config <file> [--health-port <port>]
// - Exits 1 with a message on stderr when the config is invalid: unparseable YAML, missing
//   receivers/exporters/service.pipelines, a component type it does not know (like a real
//   collector build without that component), or a component referenced but not defined.
// - Serves GET /health (any path but /metrics) on extensions.health_check.endpoint when
//   health_check is listed in service.extensions, or on --health-port:
//   200 {"status":"ok","configSha256","generation","reloads","lastError","pid","uptimeSeconds"};
//   503 {"status":"unavailable",...} when extensions.health_check.fake_unhealthy is true (test knob).
// - Serves GET /metrics (Prometheus text) on the same port, and on
//   service.telemetry.metrics.address when that names another address.
// - SIGHUP re-reads the file: valid -> swaps it in (and rebinds moved endpoints); invalid -> keeps
//   the running config, reports the error on /health (lastError) and stderr.
// - SIGTERM/SIGINT -> closes its listeners and exits 0.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const KNOWN_TYPES = {
  receivers: ['otlp', 'hostmetrics', 'prometheus', 'filelog', 'jaeger', 'zipkin', 'kafka', 'nop'],
  processors: ['batch', 'memory_limiter', 'attributes', 'resource', 'filter', 'transform', 'resourcedetection', 'tail_sampling', 'probabilistic_sampler', 'k8sattributes'],
  exporters: ['otlp', 'otlphttp', 'debug', 'logging', 'prometheus', 'prometheusremotewrite', 'file', 'kafka', 'loadbalancing', 'nop'],
  connectors: ['forward', 'spanmetrics', 'count', 'routing'],
  extensions: ['health_check', 'pprof', 'zpages', 'file_storage', 'bearertokenauth', 'basicauth', 'opamp'],
};
const SECTIONS = Object.keys(KNOWN_TYPES);
const startedAt = Date.now();

const { values: cli } = parseArgs({ options: { config: { type: 'string' }, 'health-port': { type: 'string' } } });
if (!cli.config) fatal('fake-collector: --config <file> is required');
const healthPortOverride = cli['health-port'] === undefined ? undefined : Number(cli['health-port']);

/** Reads and checks the config file; returns { config, sha256 } or throws an Error saying why. */
function loadConfig(file) {
  let text;
  try {
    text = readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read config file ${file}: ${err.message}`);
  }
  let doc;
  try {
    doc = parseYaml(text.toString('utf8'));
  } catch (err) {
    throw new Error(`cannot unmarshal the configuration: ${err.message.split('\n')[0]}`);
  }
  if (!isMap(doc)) throw new Error('cannot unmarshal the configuration: the document is not a map');
  checkConfig(doc);
  return { config: doc, sha256: createHash('sha256').update(text).digest('hex') };
}

function checkConfig(doc) {
  for (const required of ['receivers', 'exporters']) {
    if (!isMap(doc[required]) || Object.keys(doc[required]).length === 0) throw new Error(`invalid configuration: no ${required} configured`);
  }
  for (const section of SECTIONS) {
    if (doc[section] === undefined || doc[section] === null) continue;
    if (!isMap(doc[section])) throw new Error(`invalid configuration: ${section} must be a map`);
    for (const id of Object.keys(doc[section])) {
      const type = id.split('/')[0];
      if (!KNOWN_TYPES[section].includes(type)) {
        throw new Error(`invalid configuration: ${section}::${id}: unknown type: "${type}" for id: "${id}"`);
      }
    }
  }
  const service = doc.service;
  if (!isMap(service) || !isMap(service.pipelines) || Object.keys(service.pipelines).length === 0) {
    throw new Error('invalid configuration: service::pipelines config validation failed: service must have at least one pipeline');
  }
  for (const ext of service.extensions ?? []) {
    if (!isMap(doc.extensions) || !(ext in doc.extensions)) throw new Error(`invalid configuration: service::extensions: references extension "${ext}" which is not configured`);
  }
  for (const [name, pipeline] of Object.entries(service.pipelines)) checkPipeline(doc, name, pipeline);
}

function checkPipeline(doc, name, pipeline) {
  if (!isMap(pipeline)) throw new Error(`invalid configuration: service::pipelines::${name}: must be a map`);
  for (const kind of ['receivers', 'exporters']) {
    if (!Array.isArray(pipeline[kind]) || pipeline[kind].length === 0) {
      throw new Error(`invalid configuration: service::pipelines::${name}: must have at least one ${kind.slice(0, -1)}`);
    }
  }
  for (const kind of ['receivers', 'processors', 'exporters']) {
    for (const ref of pipeline[kind] ?? []) {
      const defined = (isMap(doc[kind]) && ref in doc[kind]) || (kind !== 'processors' && isMap(doc.connectors) && ref in doc.connectors);
      if (!defined) throw new Error(`invalid configuration: service::pipelines::${name}: references ${kind.slice(0, -1)} "${ref}" which is not configured`);
    }
  }
}

function isMap(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fatal(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

// ---- running state ----
// The signal handlers go in first: an early SIGHUP must not kill the process (its default action).
let parseYaml;
let current;
let generation = 1;
let reloads = 0;
let lastError = '';
const listeners = new Map(); // address -> server
let reloading = Promise.resolve();
process.on('SIGHUP', () => {
  reloading = reloading.then(reload);
});
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
reloading = reloading.then(startup);

function healthExtension(config) {
  const enabled = Array.isArray(config.service?.extensions) && config.service.extensions.includes('health_check');
  return enabled && isMap(config.extensions?.health_check) ? config.extensions.health_check : undefined;
}

function healthAddress(config) {
  if (healthPortOverride !== undefined) return `127.0.0.1:${healthPortOverride}`;
  const ext = healthExtension(config);
  if (ext === undefined) return undefined;
  return typeof ext.endpoint === 'string' ? ext.endpoint : 'localhost:13133';
}

function metricsAddress(config) {
  const address = config.service?.telemetry?.metrics?.address;
  return typeof address === 'string' ? address : undefined;
}

function healthBody() {
  const unhealthy = healthExtension(current.config)?.fake_unhealthy === true;
  const body = {
    status: unhealthy ? 'unavailable' : 'ok',
    configSha256: current.sha256,
    generation,
    reloads,
    lastError,
    pid: process.pid,
    uptimeSeconds: (Date.now() - startedAt) / 1000,
  };
  return { code: unhealthy ? 503 : 200, body };
}

function metricsText() {
  const uptime = (Date.now() - startedAt) / 1000;
  const lines = [
    '# HELP otelcol_process_uptime Uptime of the process',
    '# TYPE otelcol_process_uptime counter',
    `otelcol_process_uptime ${uptime}`,
    '# HELP otelcol_process_memory_rss Total physical memory (resident set size)',
    '# TYPE otelcol_process_memory_rss gauge',
    `otelcol_process_memory_rss ${process.memoryUsage().rss}`,
    '# HELP otelcol_fake_config_generation Config generation the fake collector runs',
    '# TYPE otelcol_fake_config_generation gauge',
    `otelcol_fake_config_generation ${generation}`,
    '# HELP otelcol_receiver_accepted_spans Number of spans successfully pushed into the pipeline.',
    '# TYPE otelcol_receiver_accepted_spans counter',
    ...Object.keys(current.config.receivers).map((id) => `otelcol_receiver_accepted_spans{receiver="${id}"} ${Math.floor(uptime * 100)}`),
    '# HELP otelcol_exporter_sent_spans Number of spans successfully sent to destination.',
    '# TYPE otelcol_exporter_sent_spans counter',
    ...Object.keys(current.config.exporters).map((id) => `otelcol_exporter_sent_spans{exporter="${id}"} ${Math.floor(uptime * 99)}`),
  ];
  return `${lines.join('\n')}\n`;
}

function handle(req, res) {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (req.method !== 'GET') {
    res.writeHead(405).end();
  } else if (path === '/metrics') {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metricsText());
  } else {
    const { code, body } = healthBody();
    res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

function splitAddress(address) {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon) || '0.0.0.0';
  return { host: host === 'localhost' ? '127.0.0.1' : host, port: Number(address.slice(colon + 1)) };
}

/** Binds a listener on every wanted address and closes those no longer wanted. */
async function bindListeners(config) {
  const wanted = new Set([healthAddress(config), metricsAddress(config)].filter((a) => a !== undefined));
  for (const [address, server] of listeners) {
    if (!wanted.has(address)) {
      listeners.delete(address);
      await new Promise((resolve) => server.close(resolve));
    }
  }
  for (const address of wanted) {
    if (listeners.has(address)) continue;
    const { host, port } = splitAddress(address);
    const server = createServer(handle);
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    listeners.set(address, server);
    process.stdout.write(`fake-collector: listening on http://${host}:${server.address().port}\n`);
  }
}

async function reload() {
  reloads += 1;
  let next;
  try {
    next = loadConfig(cli.config);
  } catch (err) {
    lastError = err.message;
    process.stderr.write(`fake-collector: reload failed, keeping the running config: ${err.message}\n`);
    return;
  }
  const previous = current;
  current = next;
  try {
    await bindListeners(next.config);
  } catch (err) {
    current = previous;
    lastError = `cannot bind: ${err.message}`;
    process.stderr.write(`fake-collector: reload failed, keeping the running config: ${lastError}\n`);
    await bindListeners(previous.config).catch(() => undefined);
    return;
  }
  generation += 1;
  lastError = '';
  process.stdout.write(`fake-collector: reloaded config generation ${generation} (${next.sha256})\n`);
}

async function shutdown(signal) {
  process.stdout.write(`fake-collector: ${signal} received, shutting down\n`);
  await Promise.all([...listeners.values()].map((s) => new Promise((resolve) => s.close(resolve))));
  process.exit(0);
}

async function startup() {
  // Loaded here, after the signal handlers exist, to keep the window where SIGHUP kills short.
  ({ parse: parseYaml } = await import('yaml'));
  try {
    current = loadConfig(cli.config);
  } catch (err) {
    fatal(`Error: ${err.message}`);
  }
  try {
    await bindListeners(current.config);
  } catch (err) {
    fatal(`Error: cannot start the health/metrics listener: ${err.message}`);
  }
  // Like a real collector it runs until told to stop, also when it has no listener to keep it alive.
  setInterval(() => undefined, 60_000);
  process.stdout.write(`fake-collector: running config generation ${generation} (${current.sha256}), pid ${process.pid}\n`);
}
