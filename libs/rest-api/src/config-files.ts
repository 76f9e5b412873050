import type { ConfigFileInput } from '@shepherd/config-service';
import { parseDocument, stringify } from 'yaml';
import { InvalidYamlError } from './errors.js';

/** Name of the single file a REST-created configuration becomes. */
export const COLLECTOR_FILE_NAME = 'collector.yaml';
/** Content type of that file. */
export const COLLECTOR_CONTENT_TYPE = 'text/yaml';

/**
 * Renders a configuration object as YAML. Lines are never folded, because a
 * folded OTTL statement is hard to read in an agent's effective config, and
 * repeated objects are written out rather than aliased.
 */
export function renderYaml(config: Readonly<Record<string, unknown>>): string {
  return stringify(config, { lineWidth: 0, aliasDuplicateObjects: false });
}

/**
 * Checks that `text` is one YAML document whose top level is a mapping, as a
 * collector configuration is.
 *
 * @throws {InvalidYamlError} on a syntax error (with 1-based `line` and
 * `column` in its details) or when the document is not a mapping.
 */
export function checkYamlText(text: string): void {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const at = first.linePos?.[0];
    // The library appends the position and a source excerpt; details carry the position instead.
    const reason = (first.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '') || first.code;
    throw new InvalidYamlError(
      at === undefined ? `config is not valid YAML: ${reason}` : `config is not valid YAML at line ${at.line}, column ${at.col}: ${reason}`,
      at === undefined ? { reason: first.code } : { reason: first.code, line: at.line, column: at.col },
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // Unresolved aliases and alias bombs only surface when the tree is built.
    throw new InvalidYamlError(`config is not valid YAML: ${(err as Error).message}`, { reason: 'BAD_ALIAS' });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidYamlError('config must be a YAML mapping (e.g. receivers: ..., exporters: ...)');
  }
}

/**
 * The files of a configuration given as an object (rendered to YAML) or as
 * YAML text (checked, then kept byte for byte so comments and layout survive).
 *
 * @throws {InvalidYamlError} for YAML text that {@link checkYamlText} refuses.
 */
export function configFiles(config: Readonly<Record<string, unknown>> | string): ConfigFileInput[] {
  if (typeof config === 'string') checkYamlText(config);
  const body = typeof config === 'string' ? config : renderYaml(config);
  return [Object.freeze({ name: COLLECTOR_FILE_NAME, contentType: COLLECTOR_CONTENT_TYPE, body })];
}
