import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configFiles, renderYaml } from './config-files.js';
import { InvalidYamlError } from './errors.js';

describe('configFiles', () => {
  it('renders an object as one collector.yaml that parses back to the same object', () => {
    const config = {
      receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
      processors: { transform: { traces: [`set(attributes["x"], "${'long '.repeat(40)}")`] } },
      exporters: { debug: { verbosity: 'detailed', enabled: 'yes', port: '8080' } },
    };
    const [file, ...rest] = configFiles(config);
    expect(rest).toEqual([]);
    expect(file).toMatchObject({ name: 'collector.yaml', contentType: 'text/yaml' });
    expect(parse(file!.body)).toEqual(config);
    expect(file!.body).toContain('endpoint: 0.0.0.0:4317');
  });

  it('never folds long lines', () => {
    const statement = 'x'.repeat(300);
    expect(renderYaml({ a: `${statement} ${statement}` }).trim().split('\n')).toHaveLength(1);
  });

  it('keeps YAML text byte for byte, comments included', () => {
    const text = 'receivers: # in\n  otlp: {}\n\n# trailing\n';
    expect(configFiles(text)[0]!.body).toBe(text);
  });

  it.each([
    ['an unclosed flow sequence', 'a:\n  b: [1\nc: 2\n', 3, 1],
    ['a duplicate key', 'a: 1\nb: 2\na: 3\n', 3, 1],
    ['a tab indentation', 'a:\n\tb: 1\n', 2, 1],
  ])('reports %s with its line and column', (_what, text, line, column) => {
    try {
      configFiles(text);
      expect.unreachable('configFiles accepted invalid YAML');
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidYamlError);
      expect((err as InvalidYamlError).details).toMatchObject({ line, column });
    }
  });

  it.each([
    ['a list', '- a\n- b\n'],
    ['a scalar', 'just text\n'],
    ['an empty document', '# nothing\n'],
    ['an unresolved alias', 'a: *nowhere\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
  ])('refuses %s', (_what, text) => {
    expect(() => configFiles(text)).toThrow(InvalidYamlError);
  });
});
