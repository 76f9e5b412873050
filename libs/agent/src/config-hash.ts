import { createHash } from 'node:crypto';

/** The Shepherd config hash (lower-case hex) over a config map, as the server computes it. */
export { configMapHash as configHashHex } from '@shepherd/config-signing';

/** sha256 of some bytes as lower-case hex (what the fake collector reports as configSha256). */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
