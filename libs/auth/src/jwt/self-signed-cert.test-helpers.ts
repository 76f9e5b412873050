/**
 * Builds a minimal self-signed X.509 v1 certificate (DER → PEM) for a P-256
 * key with node:crypto only, so the key-file tests need neither openssl nor a
 * committed private key.
 */
import { sign, type KeyObject } from 'node:crypto';

function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

const seq = (...parts: Buffer[]): Buffer => der(0x30, Buffer.concat(parts));
const oid = (bytes: number[]): Buffer => der(0x06, Buffer.from(bytes));
const ECDSA_WITH_SHA256 = seq(oid([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]));
const COMMON_NAME = [0x55, 0x04, 0x03];

function name(cn: string): Buffer {
  return seq(der(0x31, seq(oid(COMMON_NAME), der(0x0c, Buffer.from(cn)))));
}

function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return der(0x17, Buffer.from(text));
}

/** A PEM certificate for `publicKey`, signed by `privateKey` (its pair), valid for a day. */
export function selfSignedCertificate(publicKey: KeyObject, privateKey: KeyObject, cn = 'shepherd-test'): string {
  const now = Date.now();
  const tbs = seq(
    der(0x02, Buffer.from([0x01])),
    ECDSA_WITH_SHA256,
    name(cn),
    seq(utcTime(new Date(now - 60_000)), utcTime(new Date(now + 86_400_000))),
    name(cn),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const cert = seq(tbs, ECDSA_WITH_SHA256, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const body = cert.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd();
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}
