import { SIGNATURE_ENTRY_NAME } from '@shepherd/config-signing';
import { InvalidConfigError } from './errors.js';
import { isWellFormedText } from './well-formed-text.js';

/** One file of a config as an admin supplies it (text body, e.g. YAML). */
export interface ConfigFileInput {
  /** Unique within the config; `""` is allowed for a single-file config (wire-facts §6.8). */
  readonly name: string;
  /** MIME type such as `text/yaml`; may be empty. */
  readonly contentType: string;
  readonly body: string;
}

/** A config file as bytes: what the wire (`AgentConfigFile`) and the config hash use. */
export interface ConfigFileBytes {
  readonly name: string;
  readonly contentType: string;
  readonly body: Uint8Array;
}

/** A config file as stored in JSON columns: the body as text, base64 when it is not valid UTF-8. */
export interface StoredConfigFile {
  readonly name: string;
  readonly contentType: string;
  readonly body: string;
  readonly encoding: 'utf8' | 'base64';
}

/** Most files in one config. */
export const MAX_CONFIG_FILES = 64;
/**
 * Most bytes of one config (names, content types and bodies together). An offer must fit in one
 * bus message (1 MiB by default) with its envelope, so configs stay well below that.
 */
export const MAX_CONFIG_BYTES = 768 * 1024;
const MAX_NAME_LENGTH = 256;
const CONTENT_TYPE = /^[\x20-\x7e]{0,256}$/;

/**
 * Checks admin input and returns the files as bytes, sorted by name (UTF-8 byte order).
 * @throws InvalidConfigError when there are no files or too many, a name repeats or is too long,
 *   a content type is not printable ASCII, text is not well-formed Unicode, or the config exceeds
 *   {@link MAX_CONFIG_BYTES}
 */
export function validateConfigFiles(files: readonly ConfigFileInput[]): ConfigFileBytes[] {
  if (!Array.isArray(files) || files.length === 0) throw new InvalidConfigError('a config needs at least one file');
  if (files.length > MAX_CONFIG_FILES) {
    throw new InvalidConfigError(`a config has at most ${MAX_CONFIG_FILES} files, got ${files.length}`);
  }
  const result: ConfigFileBytes[] = [];
  let total = 0;
  for (const file of files) {
    const bytes = validateFile(file);
    total += Buffer.byteLength(bytes.name) + bytes.contentType.length + bytes.body.length;
    result.push(bytes);
  }
  if (total > MAX_CONFIG_BYTES) {
    throw new InvalidConfigError(`a config is at most ${MAX_CONFIG_BYTES} bytes, got ${total}`);
  }
  return sortAndCheckUnique(result);
}

/**
 * Sorts files by name in UTF-8 byte order (the canonical order of the config hash).
 * @throws InvalidConfigError when two files share a name
 */
export function sortAndCheckUnique(files: readonly ConfigFileBytes[]): ConfigFileBytes[] {
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i] as ConfigFileBytes).name === (sorted[i - 1] as ConfigFileBytes).name) {
      throw new InvalidConfigError(`file name ${JSON.stringify((sorted[i] as ConfigFileBytes).name)} appears twice`);
    }
  }
  return sorted;
}

/** The stored form: body as UTF-8 text when it decodes strictly, else base64 (and says which). */
export function toStoredFile(file: ConfigFileBytes): StoredConfigFile {
  const text = decodeUtf8(file.body);
  return text === undefined
    ? { name: file.name, contentType: file.contentType, body: Buffer.from(file.body).toString('base64'), encoding: 'base64' }
    : { name: file.name, contentType: file.contentType, body: text, encoding: 'utf8' };
}

/** The bytes of a stored file (inverse of {@link toStoredFile}). */
export function fromStoredFile(file: StoredConfigFile): ConfigFileBytes {
  const body = file.encoding === 'base64' ? Buffer.from(file.body, 'base64') : Buffer.from(file.body, 'utf8');
  return { name: file.name, contentType: file.contentType, body };
}

/** Strict UTF-8 decoding; `undefined` when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function validateFile(file: ConfigFileInput): ConfigFileBytes {
  if (typeof file !== 'object' || file === null) throw new InvalidConfigError('each config file is an object {name, contentType, body}');
  const { name, contentType, body } = file;
  if (typeof name !== 'string' || name.length > MAX_NAME_LENGTH || !isWellFormedText(name)) {
    throw new InvalidConfigError(`a file name is a string of at most ${MAX_NAME_LENGTH} characters`);
  }
  if (name === SIGNATURE_ENTRY_NAME) {
    // The server adds this entry to every offer; a user file under the name would be overwritten.
    throw new InvalidConfigError(`file name ${JSON.stringify(name)} is reserved for the server's config signature`);
  }
  if (typeof contentType !== 'string' || !CONTENT_TYPE.test(contentType)) {
    throw new InvalidConfigError(`file ${JSON.stringify(name)}: contentType must be printable ASCII, at most 256 characters`);
  }
  if (typeof body !== 'string' || !isWellFormedText(body)) {
    throw new InvalidConfigError(`file ${JSON.stringify(name)}: body must be well-formed text`);
  }
  return { name, contentType, body: Buffer.from(body, 'utf8') };
}
