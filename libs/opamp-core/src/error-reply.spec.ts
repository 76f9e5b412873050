import { ServerErrorResponseType, toBigInt } from '@shepherd/proto';
import { describe, expect, it } from 'vitest';
import { onWire, uid } from './core.test-helpers.js';
import { errorReply } from './index.js';

describe('errorReply', () => {
  it('builds Unavailable with retry_info in nanoseconds and nothing in fields 3..11', () => {
    // wire-facts §7.25, §7.37
    const id = uid();
    const wire = onWire(errorReply(id, ServerErrorResponseType.ServerErrorResponseType_Unavailable, 'draining', 30_000));
    expect(wire.errorResponse!.type).toBe(ServerErrorResponseType.ServerErrorResponseType_Unavailable);
    expect(wire.errorResponse!.errorMessage).toBe('draining');
    expect(toBigInt(wire.errorResponse!.retryInfo!.retryAfterNanoseconds!)).toBe(30_000_000_000n);
    expect(toBigInt(wire.capabilities)).toBe(0n);
    expect(Buffer.from(wire.instanceUid)).toEqual(Buffer.from(id));
  });

  it('sets retry_info only for Unavailable', () => {
    const wire = onWire(errorReply(undefined, ServerErrorResponseType.ServerErrorResponseType_BadRequest, 'bad', 5));
    expect(wire.errorResponse!.retryInfo).toBeNull();
    expect(wire.instanceUid).toHaveLength(0);
  });
});
