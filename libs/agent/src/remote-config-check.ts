import { SIGNATURE_ENTRY_NAME, verifyConfigSignature } from '@shepherd/config-signing';
import { ConfigValidationError, validateConfigFiles } from '@shepherd/config-validation';
import { configHashHex, sha256Hex } from './config-hash.js';
import type { ConfigFile } from './collector-port.js';
import { RemoteConfigApplyError } from './supervisor-errors.js';

/** What the checks need from the supervisor options. */
export interface RemoteConfigCheckOptions {
  readonly publicKeys: readonly string[];
  readonly requireSignature: boolean;
  readonly maxConfigBytes: number;
}

/** A remote config that passed every check before anything is written. */
export interface CheckedConfig {
  /** Hex of the offered config hash. */
  readonly hashHex: string;
  /** The collector config file (the signature entry removed). */
  readonly file: ConfigFile;
  /** Its body as text, and the sha256 of its bytes. */
  readonly text: string;
  readonly sha256: string;
}

/**
 * Checks an offered remote config without side effects: the signature (with the pinned keys,
 * against the offered hash), the shape this agent supports (exactly one collector config file
 * besides the signature entry, at most `maxConfigBytes`, UTF-8) and the collector config itself
 * (`validateConfigFiles`: syntax, structure, references, OTTL).
 * @throws RemoteConfigApplyError with reason `signature`, `unsupported` or `invalid`
 */
export function checkRemoteConfig(files: readonly ConfigFile[], hashHex: string, options: RemoteConfigCheckOptions): CheckedConfig {
  if (new Set(files.map((f) => f.name)).size !== files.length) throw new RemoteConfigApplyError('unsupported', 'remote config lists a file name twice');
  checkSignature(files, hashHex, options);
  const configFiles = files.filter((f) => f.name !== SIGNATURE_ENTRY_NAME);
  const [file, ...extra] = configFiles;
  if (file === undefined) throw new RemoteConfigApplyError('unsupported', 'remote config has no collector config file');
  if (extra.length > 0) {
    const names = configFiles.map((f) => f.name).join(', ');
    throw new RemoteConfigApplyError('unsupported', `remote config has ${configFiles.length} files (${names}); this agent runs exactly one collector config file`);
  }
  if (file.body.length > options.maxConfigBytes) {
    throw new RemoteConfigApplyError('unsupported', `config file ${file.name} is ${file.body.length} bytes; at most ${options.maxConfigBytes} are accepted`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file.body);
  } catch {
    throw new RemoteConfigApplyError('invalid', `config file ${file.name} is not UTF-8 text`);
  }
  const problems = validateConfigFiles([{ name: file.name, contentType: file.contentType, body: text }]);
  if (problems.length > 0) {
    const error = new ConfigValidationError(problems);
    throw new RemoteConfigApplyError('invalid', error.message, { cause: error });
  }
  return { hashHex, file: { name: file.name, contentType: file.contentType, body: Uint8Array.from(file.body) }, text, sha256: sha256Hex(file.body) };
}

function checkSignature(files: readonly ConfigFile[], hashHex: string, options: RemoteConfigCheckOptions): void {
  const signed = files.some((f) => f.name === SIGNATURE_ENTRY_NAME);
  if (options.publicKeys.length === 0) {
    if (options.requireSignature) throw new RemoteConfigApplyError('signature', 'signature check failed: no trusted public key is configured');
    return;
  }
  // Not required and absent: accepted unsigned; a signature that is present is always checked.
  if (!signed && !options.requireSignature) return;
  const result = verifyConfigSignature({
    files: new Map(files.map((f) => [f.name, f])),
    publicKeys: options.publicKeys,
    computeHash: configHashHex,
    expectedConfigHash: hashHex,
  });
  if (!result.ok) throw new RemoteConfigApplyError('signature', `signature check failed (${result.reason}): ${result.detail}`);
}
