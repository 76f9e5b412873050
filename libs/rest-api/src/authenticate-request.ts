import type { FastifyRequest } from 'fastify';
import type { Authenticator, Principal } from '@shepherd/auth';

/**
 * Authenticates requests and remembers who sent each one. A WeakMap rather
 * than a fastify request decoration keeps the principal out of fastify's
 * global type augmentation and lets it vanish with the request.
 */
export class PrincipalRegistry {
  readonly #byRequest = new WeakMap<FastifyRequest, Principal>();

  constructor(private readonly authenticator: Authenticator) {}

  /**
   * Resolves the caller of `request` from its `Authorization` header.
   * Rejects with the authenticator's error (kind `unauthenticated` → 401).
   */
  async authenticate(request: FastifyRequest): Promise<void> {
    const principal = await this.authenticator.authenticate(request.headers.authorization);
    this.#byRequest.set(request, principal);
  }

  /**
   * The principal of an authenticated request.
   * @throws {Error} when the request was not authenticated (a routing bug, answered 500).
   */
  of(request: FastifyRequest): Principal {
    const principal = this.#byRequest.get(request);
    if (principal === undefined) throw new Error(`no principal for ${request.method} ${request.url}`);
    return principal;
  }
}
