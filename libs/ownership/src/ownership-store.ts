/**
 * One gateway's ownership of one agent connection.
 *
 * `token` is a fencing token: every successful claim in a store gets a token
 * strictly greater than every token that store issued before, so the newest
 * claim always wins and a stale holder can be recognised by its smaller token.
 */
export interface Claim {
  /** Agent instance uid as canonical UUID text (lower-case `8-4-4-4-12` hex). */
  readonly uid: string;
  /** The gateway that holds the connection. */
  readonly gatewayId: string;
  /** Fencing token, strictly increasing per store. */
  readonly token: bigint;
}

/** Result of {@link OwnershipStore.claim}. */
export interface ClaimResult {
  /** The claim now in force. */
  readonly claim: Claim;
  /** The live claim that was replaced, if there was one. */
  readonly previous?: Claim;
}

/** Result of {@link OwnershipStore.refresh}. */
export interface RefreshResult {
  /** Input claims that are no longer in force (replaced or expired); their connections must be dropped. */
  readonly lost: Claim[];
}

/**
 * Port: which gateway owns which agent connection.
 *
 * Every method validates its arguments (throws {@link InvalidUidError},
 * {@link InvalidGatewayIdError}, {@link InvalidOwnershipTtlError}), rejects
 * with {@link OwnershipClosedError} after {@link close}, and with
 * {@link OwnershipUnavailableError} when the backend cannot be reached.
 */
export interface OwnershipStore {
  /**
   * Unconditionally takes ownership of `uid` for `gatewayId` for `ttlMs`
   * (a second live connection replaces the first). Returns the new claim and
   * the previous owner if one was live.
   */
  claim(uid: string, gatewayId: string, ttlMs: number): Promise<ClaimResult>;
  /**
   * Extends, in one round trip, the TTL of every claim whose token is still
   * the stored one; returns the claims that were lost (replaced or expired).
   */
  refresh(claims: readonly Claim[], ttlMs: number): Promise<RefreshResult>;
  /**
   * Fenced compare-and-delete: deletes only if the stored claim has the same
   * gateway and token, so a stale gateway can never delete a newer claim.
   * Returns whether it deleted.
   */
  release(claim: Claim): Promise<boolean>;
  /** The live owner of `uid`, or `undefined`. */
  owner(uid: string): Promise<Claim | undefined>;
  /** Live owners of `uids` in one round trip; absent uids have no entry in the map. */
  owners(uids: readonly string[]): Promise<Map<string, Claim>>;
  /** Releases resources (connections, timers). Idempotent. Claims are left to expire. */
  close(): Promise<void>;
}
