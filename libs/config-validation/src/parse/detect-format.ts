/** Config formats the validator can parse. */
export type ConfigFormat = 'yaml' | 'json' | 'toml';

const BY_MEDIA_TYPE: Readonly<Record<string, ConfigFormat>> = Object.freeze({
  'text/yaml': 'yaml',
  'application/yaml': 'yaml',
  'application/x-yaml': 'yaml',
  'text/x-yaml': 'yaml',
  'application/json': 'json',
  'text/json': 'json',
  'application/toml': 'toml',
  'text/toml': 'toml',
});

const BY_EXTENSION: Readonly<Record<string, ConfigFormat>> = Object.freeze({
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
  toml: 'toml',
});

/**
 * Picks the parser: the content type wins (parameters such as `; charset=`
 * ignored), then the file extension. Undefined means "not a parsable config",
 * which callers pass through unvalidated.
 */
export function detectFormat(name: string, contentType: string): ConfigFormat | undefined {
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const byType = BY_MEDIA_TYPE[media];
  if (byType !== undefined) return byType;
  const dot = name.lastIndexOf('.');
  if (dot < 0) return undefined;
  return BY_EXTENSION[name.slice(dot + 1).toLowerCase()];
}
