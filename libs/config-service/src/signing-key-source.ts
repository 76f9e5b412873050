import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSigningKey, loadSigningKey, signingKeyFromPem, SigningKeyError, type SigningKey } from '@shepherd/config-signing';

/** Where {@link resolveSigningKey} finds the config-signing key. */
export interface SigningKeySource {
  /** CONFIG_SIGNING_KEY_FILE: a PKCS#8 Ed25519 private key (PEM). */
  readonly keyFile?: string | undefined;
  readonly mode: 'development' | 'production';
  /** DATA_DIR: where a development key is generated once and kept. */
  readonly dataDir: string;
}

/** File name of the development key under DATA_DIR. */
export const DEV_SIGNING_KEY_FILE = 'config-signing-key.pem';

/**
 * The server's config-signing key: the configured file, or in development a
 * key generated once under DATA_DIR, so restarts and every process sharing the
 * directory sign with the same key and agents keep trusting it.
 * @throws SigningKeyError in production without CONFIG_SIGNING_KEY_FILE, or for an unusable key file
 */
export async function resolveSigningKey(source: SigningKeySource): Promise<SigningKey> {
  if (source.keyFile !== undefined) return loadSigningKey({ privateKeyFile: source.keyFile });
  if (source.mode === 'production') {
    throw new SigningKeyError('CONFIG_SIGNING_KEY_FILE must be set in production mode (agents pin its public key)');
  }
  const file = join(source.dataDir, DEV_SIGNING_KEY_FILE);
  const existing = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (existing !== undefined) return signingKeyFromPem(existing, file);
  await mkdir(source.dataDir, { recursive: true });
  const { privateKeyPem } = generateSigningKey();
  // 'wx' so two processes starting together never overwrite each other's key.
  await writeFile(file, privateKeyPem, { flag: 'wx', mode: 0o600 }).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  await chmod(file, 0o600);
  return signingKeyFromPem(await readFile(file, 'utf8'), file);
}
