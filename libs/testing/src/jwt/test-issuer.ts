import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A public JWK as served in a JWKS document. */
export interface TestPublicJwk {
  readonly kty: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
  readonly kid: string;
  readonly alg: 'ES256';
  readonly use: 'sig';
}

/** Options of {@link TestTokenIssuer.sign}. */
export interface TestSignOptions {
  /** Lifetime from now; default 300 s. Negative values make an expired token. `null` leaves `exp` out. */
  readonly expiresInSeconds?: number | null;
  /** Extra or replacement protected-header fields (e.g. `{ kid: 'other' }`). */
  readonly header?: Readonly<Record<string, unknown>>;
}

/** Mints ES256 JWTs for tests; see {@link createTestTokenIssuer}. */
export interface TestTokenIssuer {
  /** The `kid` put in every token header and in {@link publicJwk}. */
  readonly kid: string;
  /** The public key as PEM SPKI (`BEGIN PUBLIC KEY`). */
  readonly publicKeyPem: string;
  /** A temp file holding {@link publicKeyPem}, for `AUTH_JWT_KEY_FILE`. */
  readonly publicKeyFile: string;
  /** The public key as a JWK with `kid`, `alg` and `use`, for a JWKS document. */
  readonly publicJwk: TestPublicJwk;
  /**
   * Signs a token. Claims default to `sub` (the issuer's `subject`), `iat`
   * (now), `exp` (now + 300 s) and, when configured, `iss` and `aud`; `claims`
   * override them, and a claim set to `undefined` is left out.
   */
  sign(claims?: Readonly<Record<string, unknown>>, options?: TestSignOptions): string;
  /** Removes the temp directory of {@link publicKeyFile}. */
  dispose(): Promise<void>;
}

/** Options of {@link createTestTokenIssuer}. */
export interface TestTokenIssuerOptions {
  readonly kid?: string;
  /** Default `iss` claim. */
  readonly issuer?: string;
  /** Default `aud` claim. */
  readonly audience?: string;
  /** Default `sub` claim (default `test-user`). */
  readonly subject?: string;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function signWith(privateKey: KeyObject, header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const input = `${b64url(header)}.${b64url(claims)}`;
  // JWS ES256 wants the raw r||s form (RFC 7518 §3.4), not DER.
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * Creates a throw-away ES256 (P-256) key pair, writes its public key to a
 * temp PEM file and returns a signer. Signing is done with node:crypto on
 * purpose, so tests of a jose-based verifier do not use jose on both sides.
 * Call `dispose()` in afterAll.
 */
export async function createTestTokenIssuer(options: TestTokenIssuerOptions = {}): Promise<TestTokenIssuer> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = options.kid ?? randomBytes(8).toString('hex');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const dir = await mkdtemp(join(tmpdir(), 'shepherd-jwt-'));
  const publicKeyFile = join(dir, 'jwt-public.pem');
  await writeFile(publicKeyFile, publicKeyPem);
  const jwk = publicKey.export({ format: 'jwk' });
  const publicJwk: TestPublicJwk = Object.freeze({ kty: jwk.kty ?? 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' });
  const defaults = { sub: options.subject ?? 'test-user', iss: options.issuer, aud: options.audience };
  return Object.freeze({
    kid,
    publicKeyPem,
    publicKeyFile,
    publicJwk,
    sign(claims: Readonly<Record<string, unknown>> = {}, signOptions: TestSignOptions = {}): string {
      const now = Math.floor(Date.now() / 1000);
      const lifetime = signOptions.expiresInSeconds === undefined ? 300 : signOptions.expiresInSeconds;
      const exp = lifetime === null ? undefined : now + lifetime;
      const header = { alg: 'ES256', typ: 'JWT', kid, ...signOptions.header };
      return signWith(privateKey, header, { ...defaults, iat: now, exp, ...claims });
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  });
}
