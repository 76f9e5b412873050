import { describe, expect, it } from 'vitest';
import { SEED_CONFIG } from './seed-config.test-helpers.js';
import { validateConfigFiles } from './validate-config-files.js';

const yamlFile = (body: string, name = 'collector.yaml') => ({ name, contentType: 'application/yaml', body });

const BASE = `receivers:
  otlp: {}
processors:
  batch: {}
exporters:
  debug: {}
`;

describe('validateConfigFiles', () => {
  it('accepts the seed config (section 2.1) with zero problems', () => {
    expect(validateConfigFiles([yamlFile(SEED_CONFIG)])).toEqual([]);
  });

  it('passes unknown content types through unparsed', () => {
    expect(validateConfigFiles([{ name: 'notes.bin', contentType: 'application/octet-stream', body: '{{{ :' }])).toEqual([]);
  });

  it('reports a YAML syntax error with file, line and column', () => {
    const problems = validateConfigFiles([yamlFile('receivers:\n  otlp: [a, b\nexporters: {}\n', 'bad.yml')]);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ file: 'bad.yml', code: 'YAML_SYNTAX_ERROR', line: expect.any(Number), column: expect.any(Number) });
    expect(problems[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it('reports a YAML syntax error at the offending line and column', () => {
    const [problem] = validateConfigFiles([yamlFile('receivers:\n  otlp: {}\n   bad: x\n')]);
    expect(problem).toMatchObject({ file: 'collector.yaml', code: 'YAML_SYNTAX_ERROR', line: 3 });
  });

  it('reports a JSON syntax error with line and column, chosen by content type', () => {
    const body = '{\n  "receivers": {\n    "otlp": {},\n  }\n}';
    const [problem] = validateConfigFiles([{ name: 'collector', contentType: 'application/json; charset=utf-8', body }]);
    expect(problem).toMatchObject({ file: 'collector', code: 'JSON_SYNTAX_ERROR', line: 4, column: 3 });
  });

  it('reports a TOML syntax error with line and column, chosen by extension', () => {
    const body = '[receivers.otlp]\nendpoint = "0.0.0.0:4317"\nbroken = \n';
    const [problem] = validateConfigFiles([{ name: 'collector.toml', contentType: 'text/plain', body }]);
    expect(problem).toMatchObject({ file: 'collector.toml', code: 'TOML_SYNTAX_ERROR', line: 3 });
    expect(problem!.column).toBeGreaterThan(0);
  });

  it('checks the structure of JSON and TOML collector configs too', () => {
    const json = JSON.stringify({ receivers: { otlp: {} }, exporters: { debug: {} }, service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['nope'] } } } });
    const toml = '[receivers.otlp]\n[exporters.debug]\n[service.pipelines.logs]\nreceivers = ["otlp"]\nexporters = ["missing"]\n';
    const problems = validateConfigFiles([
      { name: 'a.json', contentType: '', body: json },
      { name: 'b.toml', contentType: 'application/toml', body: toml },
    ]);
    expect(problems.map((p) => [p.file, p.code, p.path])).toEqual([
      ['a.json', 'COMPONENT_UNDEFINED', 'service.pipelines.traces.exporters[0]'],
      ['b.toml', 'COMPONENT_UNDEFINED', 'service.pipelines.logs.exporters[0]'],
    ]);
  });

  it('reports a component used in a pipeline but not defined, with its path and position', () => {
    const body = `${BASE}service:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      processors: [batch, memory_limiter]\n      exporters: [debug]\n`;
    expect(validateConfigFiles([yamlFile(body)])).toEqual([
      {
        file: 'collector.yaml',
        line: 11,
        column: 27,
        path: 'service.pipelines.traces.processors[1]',
        code: 'COMPONENT_UNDEFINED',
        message: expect.stringContaining("'memory_limiter'"),
      },
    ]);
  });

  it('reports an unknown top-level key at the key', () => {
    const body = `${BASE}servce:\n  pipelines: {}\n`;
    expect(validateConfigFiles([yamlFile(body)])).toEqual([
      { file: 'collector.yaml', line: 7, column: 1, path: 'servce', code: 'CONFIG_UNKNOWN_KEY', message: expect.stringContaining("'servce'") },
    ]);
  });

  it('rejects a bad pipeline type', () => {
    const body = `${BASE}service:\n  pipelines:\n    spans/main:\n      receivers: [otlp]\n      exporters: [debug]\n`;
    expect(validateConfigFiles([yamlFile(body)])).toMatchObject([{ path: 'service.pipelines.spans/main', code: 'PIPELINE_INVALID_ID', line: 9, column: 5 }]);
  });

  it('accepts named pipelines of every signal type', () => {
    const pipe = '      receivers: [otlp]\n      exporters: [debug]\n';
    const body = `${BASE}service:\n  pipelines:\n    traces:\n${pipe}    metrics/a:\n${pipe}    logs/b:\n${pipe}    profiles:\n${pipe}`;
    expect(validateConfigFiles([yamlFile(body)])).toEqual([]);
  });

  it('reports a pipeline without exporters and one with empty receivers', () => {
    const body = `${BASE}service:\n  pipelines:\n    traces:\n      receivers: [otlp]\n    logs:\n      receivers: []\n      exporters: [debug]\n`;
    expect(validateConfigFiles([yamlFile(body)]).map((p) => [p.code, p.path])).toEqual([
      ['PIPELINE_MISSING_EXPORTERS', 'service.pipelines.traces'],
      ['PIPELINE_MISSING_RECEIVERS', 'service.pipelines.logs'],
    ]);
  });

  it('accepts a connector used as exporter in one pipeline and receiver in another', () => {
    const body = `${BASE}connectors:\n  spanmetrics: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [spanmetrics]\n    metrics:\n      receivers: [spanmetrics]\n      exporters: [debug]\n`;
    expect(validateConfigFiles([yamlFile(body)])).toEqual([]);
  });

  it('reports a connector used only as an exporter', () => {
    const body = `${BASE}connectors:\n  count: {}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [count]\n`;
    expect(validateConfigFiles([yamlFile(body)])).toMatchObject([{ code: 'CONNECTOR_UNPAIRED', path: 'service.pipelines.traces.exporters[0]' }]);
  });

  it('reports undefined service extensions and unknown service and pipeline keys', () => {
    const body = `${BASE}extensions:\n  health_check: {}\nservice:\n  extensions: [health_check, pprof]\n  telemetry: {}\n  pipeline: {}\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n      processor: [batch]\n`;
    expect(validateConfigFiles([yamlFile(body)]).map((p) => [p.code, p.path])).toEqual([
      ['SERVICE_UNKNOWN_KEY', 'service.pipeline'],
      ['COMPONENT_UNDEFINED', 'service.extensions[1]'],
      ['PIPELINE_UNKNOWN_KEY', 'service.pipelines.traces.processor'],
    ]);
  });

  it('resolves components defined in another file of the same submission', () => {
    const service = 'service:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n';
    expect(validateConfigFiles([yamlFile(BASE, 'components.yaml'), yamlFile(service, 'service.yaml')])).toEqual([]);
  });

  it('ignores documents that do not look like collector configs', () => {
    expect(validateConfigFiles([yamlFile('foo: 1\nbar: [1, 2]\n', 'other.yaml')])).toEqual([]);
  });

  it('reports invalid component ids', () => {
    expect(validateConfigFiles([yamlFile('receivers:\n  "otlp/": {}\n')])).toMatchObject([{ code: 'COMPONENT_ID_INVALID', path: 'receivers.otlp/', line: 2, column: 3 }]);
  });
});

describe('validateConfigFiles: OTTL in transform processors', () => {
  const withTransform = (transform: string) =>
    `${BASE.replace('processors:\n', `processors:\n${transform}`)}service:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      processors: [transform/x]\n      exporters: [debug]\n`;

  it('quotes a failing statement in trace_statements with the column inside it', () => {
    const body = withTransform('  transform/x:\n    trace_statements:\n      - context: span\n        statements:\n          - set(attributes["ok"], true)\n          - \'set(attributes["a"], "b") where\'\n');
    expect(validateConfigFiles([yamlFile(body)])).toEqual([
      {
        file: 'collector.yaml',
        line: 9,
        column: 13,
        path: 'processors.transform/x.trace_statements[0].statements[1]',
        code: 'OTTL_SYNTAX_ERROR',
        message: 'OTTL syntax error at column 27 of statement "set(attributes["a"], "b") where": missing condition after \'where\'',
      },
    ]);
  });

  it('checks plain string lists in log_statements and flat per-signal lists', () => {
    const body = withTransform('  transform/x:\n    log_statements:\n      - set(body, "x") foo\n    metrics:\n      - set(attributes["a"], Concat(["a"], "-")\n');
    const problems = validateConfigFiles([yamlFile(body)]);
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ['processors.transform/x.log_statements[0]', 6],
      ['processors.transform/x.metrics[0]', 8],
    ]);
    expect(problems[0]!.message).toContain('"set(body, "x") foo"');
    expect(problems[1]!.message).toMatch(/column 40 .*expected ',' or '\)'/);
  });

  it('reports statements that are not strings', () => {
    const body = withTransform('  transform/x:\n    trace_statements:\n      - 42\n');
    expect(validateConfigFiles([yamlFile(body)])).toMatchObject([{ code: 'OTTL_STATEMENT_NOT_STRING', path: 'processors.transform/x.trace_statements[0]' }]);
  });

  it('does not parse statements of non-transform processors', () => {
    expect(validateConfigFiles([yamlFile('processors:\n  filter:\n    traces:\n      - "not ottl ((("\n')])).toEqual([]);
  });
});
