import { checkCollectorStructure } from './collector/check-structure.js';
import { collectDefinitions, isCollectorConfig, isRecord } from './collector/collector-shape.js';
import { checkTransformStatements } from './ottl/check-transform-statements.js';
import { detectFormat, type ConfigFormat } from './parse/detect-format.js';
import type { ParsedDocument, ParseResult } from './parse/parsed-document.js';
import { parseJson } from './parse/parse-json.js';
import { parseToml } from './parse/parse-toml.js';
import { parseYaml } from './parse/parse-yaml.js';
import { formatPath, type ConfigFileInput, type ConfigProblem, type PathSegment } from './problem.js';

const PARSERS: Readonly<Record<ConfigFormat, (text: string) => ParseResult>> = { yaml: parseYaml, json: parseJson, toml: parseToml };

interface CollectorFile {
  readonly name: string;
  readonly doc: ParsedDocument;
  readonly value: Record<string, unknown>;
}

/**
 * Validates the files of one config submission and returns every problem
 * found (empty means valid). Never throws for bad input.
 *
 * - The parser is picked by content type, then extension (YAML, JSON, TOML);
 *   other files are passed through unchecked.
 * - Syntax errors carry file, line and column; a file that does not parse is
 *   not checked further.
 * - Documents that look like Collector configs get structure checks;
 *   component references resolve against the definitions of ALL Collector
 *   files in the submission, since the Collector merges multiple config files.
 * - OTTL statements of transform processors are syntax-checked.
 */
export function validateConfigFiles(files: readonly ConfigFileInput[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const collectorFiles: CollectorFile[] = [];
  for (const file of files) {
    const format = detectFormat(file.name, file.contentType);
    if (format === undefined) continue;
    const result = PARSERS[format](file.body);
    if (!result.ok) {
      for (const e of result.errors) {
        problems.push({ file: file.name, ...e.position, code: `${format.toUpperCase()}_SYNTAX_ERROR`, message: e.message });
      }
      continue;
    }
    if (isCollectorConfig(result.doc.value)) collectorFiles.push({ name: file.name, doc: result.doc, value: result.doc.value });
  }
  const defs = collectDefinitions(collectorFiles.map((f) => f.value));
  for (const f of collectorFiles) {
    for (const p of checkCollectorStructure(f.value, defs)) problems.push(located(f, p.path, p.target, p.code, p.message));
    const processors = f.value['processors'];
    if (isRecord(processors)) {
      for (const p of checkTransformStatements(processors)) problems.push(located(f, p.path, 'value', p.code, p.message));
    }
  }
  return problems;
}

function located(f: CollectorFile, path: readonly PathSegment[], target: 'key' | 'value', code: string, message: string): ConfigProblem {
  const pos = f.doc.locate(path, target);
  return { file: f.name, ...(pos ?? {}), path: formatPath(path), code, message };
}
