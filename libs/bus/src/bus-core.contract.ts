import { describe, expect, it } from 'vitest';
import { waitFor } from '@shepherd/testing';
import { ShepherdError } from '@shepherd/errors';
import {
  InvalidHeaderError,
  InvalidNameError,
  InvalidSubjectError,
  NoRespondersError,
  PayloadTooLargeError,
  RemoteHandlerError,
  RequestTimeoutError,
} from './errors.js';
import { Inbox, bytes, rejectionOf, text, thrownBy, type ContractEnv } from './bus-contract.test-helpers.js';

class BadWidgetError extends ShepherdError {
  readonly code = 'TEST_BAD_WIDGET';
  readonly kind = 'invalid_argument' as const;
}

/** Core messaging: fan-out with wildcards and queue groups, request/reply, input validation. */
export function describeCoreContract(env: ContractEnv): void {
  describe('core messaging', () => {
    it('send reaches wildcard subscribers and one member of each queue group', async () => {
      const star = new Inbox();
      const tail = new Inbox();
      const other = new Inbox();
      const members = [new Inbox(), new Inbox()];
      env.bus.subscribe(env.subject('core', '*'), {}, star.record);
      env.bus.subscribe(env.subject('core', '>'), {}, tail.record);
      env.bus.subscribe(env.subject('other', '>'), {}, other.record);
      members.forEach((m) => env.bus.subscribe(env.subject('core', 'a'), { queue: 'q' }, m.record));
      for (let i = 0; i < 40; i++) env.bus.send(env.subject('core', 'a'), bytes(`m${i}`), { 'x-i': String(i) });
      env.bus.send(env.subject('core', 'a', 'deep'), bytes('deep'));
      await star.waitForCount(40, 'single-token wildcard');
      await tail.waitForCount(41, 'multi-token wildcard');
      await waitFor(() => members[0]!.messages.length + members[1]!.messages.length >= 40, { description: 'queue group' });
      expect(star.texts()).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}`));
      expect(star.messages[7]!.headers.get('x-i')).toBe('7');
      expect(star.messages[0]!.deliveryCount).toBe(1);
      expect(star.messages[0]!.streamSequence).toBeUndefined();
      expect(tail.texts()).toContain('deep');
      const groupTexts = [...members[0]!.texts(), ...members[1]!.texts()].sort();
      expect(groupTexts).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}`).sort());
      expect(members.every((m) => m.messages.length > 0)).toBe(true);
      expect(other.messages).toEqual([]);
    });

    it('hands each message beyond maxPending to onDropped, and handles the rest in order', async () => {
      const handled: string[] = [];
      const dropped: string[] = [];
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      env.bus.subscribe(
        env.subject('drop', 'x'),
        { maxInFlight: 1, maxPending: 2, onDropped: (msg) => void dropped.push(text(msg.data)) },
        async (msg) => {
          await gate;
          handled.push(text(msg.data));
        },
      );
      for (let i = 0; i < 10; i++) env.bus.send(env.subject('drop', 'x'), bytes(`m${i}`));
      await waitFor(() => dropped.length === 7, { description: 'seven drops' });
      release();
      await waitFor(() => handled.length === 3, { description: 'three handled' });
      expect(handled).toEqual(['m0', 'm1', 'm2']);
      expect(dropped).toEqual(['m3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
    });

    it('unsubscribe stops delivery', async () => {
      const inbox = new Inbox();
      const sub = env.bus.subscribe(env.subject('unsub', 'x'), {}, inbox.record);
      env.bus.send(env.subject('unsub', 'x'), bytes('before'));
      await inbox.waitForCount(1, 'first message');
      await sub.unsubscribe();
      await sub.unsubscribe();
      const probe = new Inbox();
      env.bus.subscribe(env.subject('unsub', 'x'), {}, probe.record);
      env.bus.send(env.subject('unsub', 'x'), bytes('after'));
      await probe.waitForCount(1, 'the probe seeing the second message');
      expect(inbox.texts()).toEqual(['before']);
    });

    it('request/serve round trip carries data and headers', async () => {
      env.bus.serve(env.subject('svc', '*'), {}, async (req) => bytes(`${text(req.data)}:${req.headers.get('x-who') ?? '?'}:${req.subject}`));
      const reply = await env.bus.request(env.subject('svc', 'echo'), bytes('ping'), { timeoutMs: 2_000, headers: { 'x-who': 'me' } });
      expect(text(reply)).toBe(`ping:me:${env.subject('svc', 'echo')}`);
    });

    it('serve with a queue group answers each request once', async () => {
      const calls = [0, 0];
      [0, 1].forEach((i) =>
        env.bus.serve(env.subject('pool'), { queue: 'workers' }, async (req) => {
          calls[i]!++;
          return req.data;
        }),
      );
      const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => env.bus.request(env.subject('pool'), bytes(`r${i}`), { timeoutMs: 2_000 })));
      expect(replies.map(text)).toEqual(Array.from({ length: 30 }, (_, i) => `r${i}`));
      expect(calls[0]! + calls[1]!).toBe(30);
      expect(calls.every((c) => c > 0)).toBe(true);
    });

    it('request with no responders rejects with NoRespondersError', async () => {
      const err = await rejectionOf(env.bus.request(env.subject('nobody'), bytes('?'), { timeoutMs: 2_000 }));
      expect(err).toBeInstanceOf(NoRespondersError);
    });

    it('request without a reply in time rejects with RequestTimeoutError', async () => {
      env.bus.subscribe(env.subject('mute'), {}, async () => undefined);
      const started = Date.now();
      const err = await rejectionOf(env.bus.request(env.subject('mute'), bytes('?'), { timeoutMs: 200 }));
      expect(err).toBeInstanceOf(RequestTimeoutError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    });

    it('a failing responder surfaces as RemoteHandlerError with its code and kind', async () => {
      env.bus.serve(env.subject('broken'), {}, async () => {
        throw new BadWidgetError('bad widget');
      });
      const err = await rejectionOf(env.bus.request(env.subject('broken'), bytes('?'), { timeoutMs: 2_000 }));
      expect(err).toBeInstanceOf(RemoteHandlerError);
      expect(err).toMatchObject({ code: 'BUS_REMOTE_HANDLER_FAILED', remoteCode: 'TEST_BAD_WIDGET', kind: 'invalid_argument' });
      expect(err.message).toContain('bad widget');
    });

    it('rejects invalid subjects, names and headers before sending', async () => {
      expect(await rejectionOf(env.bus.publish(env.subject('a', '*'), bytes('x')))).toBeInstanceOf(InvalidSubjectError);
      expect(thrownBy(() => env.bus.send('bad subject', bytes('x')))).toBeInstanceOf(InvalidSubjectError);
      expect(thrownBy(() => env.bus.subscribe('a..b', {}, () => undefined))).toBeInstanceOf(InvalidSubjectError);
      expect(thrownBy(() => env.bus.subscribe(env.subject('x'), { queue: 'has.dot' }, () => undefined))).toBeInstanceOf(InvalidNameError);
      expect(await rejectionOf(env.bus.consume({ stream: 'a.b', durable: 'd' }, async () => undefined))).toBeInstanceOf(InvalidNameError);
      expect(thrownBy(() => env.bus.send(env.subject('x'), bytes('x'), { 'Nats-Msg-Id': 'sneaky' }))).toBeInstanceOf(InvalidHeaderError);
      expect(thrownBy(() => env.bus.send(env.subject('x'), bytes('x'), { 'x-a': 'line\r\nbreak' }))).toBeInstanceOf(InvalidHeaderError);
    });

    it('rejects a message larger than the maximum payload with PayloadTooLargeError', async () => {
      await env.stream('big');
      const huge = new Uint8Array(1_048_577);
      expect(await rejectionOf(env.bus.publish(env.subject('big', 'x'), huge))).toBeInstanceOf(PayloadTooLargeError);
      expect(thrownBy(() => env.bus.send(env.subject('big', 'x'), huge))).toBeInstanceOf(PayloadTooLargeError);
    });
  });
}
