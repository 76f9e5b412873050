import { type ConfigFileInput, formatSelector, type LabelSelector, MAX_CONFIG_BYTES, MAX_CONFIG_FILES, parseSelector } from '@shepherd/config-service';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { GitopsDirectoryError } from './errors.js';
import type { TreeEntry, TreeReader } from './local-repository.js';

/** The file of a config directory that says where and how the config applies. */
export const MANIFEST_NAME = 'shepherd.yaml';

/** What one config directory of the repository asks for. */
export interface DesiredConfig {
  /** Path inside the repository, e.g. `configs/prod`. */
  readonly directory: string;
  /** Git tree id of the directory: equal ids mean equal content. */
  readonly treeOid: string;
  readonly selector: LabelSelector;
  /** Canonical text of the selector: two directories may not share it. */
  readonly selectorKey: string;
  readonly priority: number;
  readonly label?: string;
  readonly description?: string;
  /** Sorted by name. */
  readonly files: readonly ConfigFileInput[];
}

const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  yaml: 'text/yaml',
  yml: 'text/yaml',
  json: 'application/json',
  toml: 'application/toml',
});
const MAX_MANIFEST_BYTES = 64 * 1024;
const INT32 = 2 ** 31;

const manifestSchema = z.strictObject(
  {
    selector: z.unknown().refine((value) => value !== undefined && value !== null, {
      error: 'is missing (use {match_labels: {}} to select every agent)',
    }),
    priority: z
      .number({ error: 'must be an integer' })
      .int({ error: 'must be an integer' })
      .min(-INT32, { error: `must be at least ${-INT32}` })
      .max(INT32 - 1, { error: `must be at most ${INT32 - 1}` })
      .default(0),
    label: z.string({ error: 'must be text' }).min(1).max(256, { error: 'must be at most 256 characters' }).optional(),
    description: z.string({ error: 'must be text' }).max(4096, { error: 'must be at most 4096 characters' }).optional(),
  },
  { error: 'must be a mapping with selector, priority, label, description' },
);

/**
 * Reads one config directory: its `shepherd.yaml` (selector in any form `parseSelector` accepts —
 * text `env=prod,region=x`, `match_labels`, `match_expressions` — plus optional `priority`,
 * `label`, `description`) and its config files (`.yaml`, `.yml`, `.json`, `.toml`; other files
 * and subdirectories are ignored).
 * @throws GitopsDirectoryError naming the directory and what is wrong with it
 */
export async function readConfigDirectory(reader: TreeReader, directory: string, treeOid: string): Promise<DesiredConfig> {
  const fail = (problem: string, cause?: unknown): never => {
    throw new GitopsDirectoryError(`${directory}: ${problem}`, cause === undefined ? {} : { cause });
  };
  const entries = await reader.listTree(treeOid);
  const manifestEntry = entries.find((entry) => entry.name === MANIFEST_NAME && entry.type === 'blob');
  if (manifestEntry === undefined) return fail(`has no ${MANIFEST_NAME}`);
  const manifest = parseManifest(await readText(reader, manifestEntry, MAX_MANIFEST_BYTES, fail, `${MANIFEST_NAME} is larger than ${MAX_MANIFEST_BYTES} bytes`), fail);
  let selector: LabelSelector;
  try {
    selector = parseSelector(manifest.selector);
  } catch (err) {
    return fail(`${MANIFEST_NAME}: selector: ${(err as Error).message}`, err);
  }
  const files = await readConfigFiles(reader, entries, fail);
  return Object.freeze({
    directory,
    treeOid,
    selector,
    selectorKey: formatSelector(selector),
    priority: manifest.priority,
    ...(manifest.label === undefined ? {} : { label: manifest.label }),
    ...(manifest.description === undefined ? {} : { description: manifest.description }),
    files,
  });
}

type Fail = (problem: string, cause?: unknown) => never;

function parseManifest(text: string, fail: Fail): z.output<typeof manifestSchema> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return fail(`${MANIFEST_NAME} is not valid YAML: ${(err as Error).message}`, err);
  }
  const result = manifestSchema.safeParse(doc);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return `${issue.keys.join(', ')}: not a known key`;
    return issue.path.length === 0 ? issue.message : `${issue.path.join('.')} ${issue.message}`;
  });
  return fail(`${MANIFEST_NAME}: ${problems.join('; ')}`);
}

async function readConfigFiles(reader: TreeReader, entries: readonly TreeEntry[], fail: Fail): Promise<ConfigFileInput[]> {
  const configEntries = entries.filter((entry) => entry.type === 'blob' && entry.name !== MANIFEST_NAME && contentTypeOf(entry.name) !== undefined);
  if (configEntries.length === 0) return fail('has no config file (.yaml, .yml, .json or .toml besides shepherd.yaml)');
  if (configEntries.length > MAX_CONFIG_FILES) return fail(`has ${configEntries.length} config files; at most ${MAX_CONFIG_FILES} are allowed`);
  const files: ConfigFileInput[] = [];
  let budget = MAX_CONFIG_BYTES;
  for (const entry of configEntries) {
    const body = await readText(reader, entry, budget, fail, `the config files are larger than ${MAX_CONFIG_BYTES} bytes together`);
    budget -= Buffer.byteLength(body);
    files.push(Object.freeze({ name: entry.name, contentType: contentTypeOf(entry.name) as string, body }));
  }
  return files.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
}

async function readText(reader: TreeReader, entry: TreeEntry, maxBytes: number, fail: Fail, tooLarge: string): Promise<string> {
  const bytes = await reader.readBlob(entry.oid);
  if (bytes.length > maxBytes) return fail(tooLarge);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    return fail(`${entry.name} is not UTF-8 text`, err);
  }
}

function contentTypeOf(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? undefined : CONTENT_TYPES[name.slice(dot + 1).toLowerCase()];
}
