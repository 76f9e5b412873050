import { describe, expect, it } from 'vitest';
import { waitFor } from '@shepherd/testing';
import { ConsumerConflictError, InvalidSubjectError, NoStreamError, StreamConflictError } from './errors.js';
import { Inbox, bytes, quietPeriod, rejectionOf, text, type ContractEnv } from './bus-contract.test-helpers.js';

/** Durable publish/consume: delivery, positions, sharing, de-duplication, stream limits. */
export function describeDurableContract(env: ContractEnv): void {
  describe('durable streams', () => {
    it('publish + consume delivers in order with headers', async () => {
      await env.stream('orders');
      const inbox = new Inbox();
      await env.bus.consume({ stream: env.streamName('orders'), durable: 'reader', maxInFlight: 1 }, inbox.record);
      for (let i = 1; i <= 5; i++) {
        const receipt = await env.bus.publish(env.subject('orders', 'created'), bytes(`m${i}`), { headers: { 'x-n': String(i) } });
        expect(receipt).toEqual({ stream: env.streamName('orders'), sequence: i, duplicate: false });
      }
      const got = await inbox.waitForCount(5, 'ordered delivery');
      expect(inbox.texts()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
      expect(got.map((m) => m.headers.get('x-n'))).toEqual(['1', '2', '3', '4', '5']);
      expect(got.map((m) => m.streamSequence)).toEqual([1, 2, 3, 4, 5]);
      expect(got.every((m) => m.deliveryCount === 1 && m.subject === env.subject('orders', 'created'))).toBe(true);
      expect([...got[0]!.headers.keys()]).toEqual(['x-n']);
    });

    it('delivers messages published before the durable ever started', async () => {
      await env.stream('early');
      await env.bus.publish(env.subject('early', 'a'), bytes('before-1'));
      await env.bus.publish(env.subject('early', 'a'), bytes('before-2'));
      const inbox = new Inbox();
      await env.bus.consume({ stream: env.streamName('early'), durable: 'late-joiner' }, inbox.record);
      await inbox.waitForCount(2, 'messages stored before the consumer existed');
      expect(inbox.texts().sort()).toEqual(['before-1', 'before-2']);
    });

    it('a stopped durable resumes where it left off and acked messages are not redelivered', async () => {
      await env.stream('resume');
      const opts = { stream: env.streamName('resume'), durable: 'resumer', ackWaitMs: 300 };
      const first = new Inbox();
      const consumer = await env.bus.consume(opts, first.record);
      await env.bus.publish(env.subject('resume', 'x'), bytes('while-up'));
      await first.waitForCount(1, 'first message');
      await consumer.stop();

      await env.bus.publish(env.subject('resume', 'x'), bytes('while-down'));
      const second = new Inbox();
      await env.bus.consume(opts, second.record);
      await second.waitForCount(1, 'message published while the consumer was down');
      // longer than ackWaitMs: an unacknowledged 'while-up' would be back by now
      await quietPeriod(700);
      expect(first.texts()).toEqual(['while-up']);
      expect(second.texts()).toEqual(['while-down']);
    });

    it('consumers sharing a durable split the messages, each handled exactly once', async () => {
      await env.stream('shared');
      const opts = { stream: env.streamName('shared'), durable: 'workers', maxInFlight: 1 };
      const seen: Array<{ worker: string; body: string }> = [];
      const worker = (name: string) => async (msg: { data: Uint8Array }) => {
        seen.push({ worker: name, body: text(msg.data) });
        await new Promise((resolve) => setTimeout(resolve, 5));
      };
      await env.bus.consume(opts, worker('a'));
      await env.bus.consume(opts, worker('b'));
      const bodies = Array.from({ length: 40 }, (_, i) => `job-${i}`);
      for (const body of bodies) await env.bus.publish(env.subject('shared', 'job'), bytes(body));
      await waitFor(() => seen.length >= 40, { timeoutMs: 10_000, description: 'all jobs handled' });
      await quietPeriod(100);
      expect(seen.map((s) => s.body).sort()).toEqual([...bodies].sort());
      expect(seen.filter((s) => s.worker === 'a').length).toBeGreaterThan(0);
      expect(seen.filter((s) => s.worker === 'b').length).toBeGreaterThan(0);
    });

    it('filterSubject selects messages by wildcard', async () => {
      await env.stream('filtered');
      const inbox = new Inbox();
      await env.bus.consume(
        { stream: env.streamName('filtered'), durable: 'only-eu', filterSubject: env.subject('filtered', 'eu', '*'), maxInFlight: 1 },
        inbox.record,
      );
      for (const region of ['eu', 'us', 'eu', 'apac']) {
        await env.bus.publish(env.subject('filtered', region, 'signup'), bytes(region));
      }
      await env.bus.publish(env.subject('filtered', 'eu', 'signup', 'deep'), bytes('too-deep'));
      await env.bus.publish(env.subject('filtered', 'eu', 'last'), bytes('eu-last'));
      await inbox.waitForCount(3, 'eu messages');
      expect(inbox.texts()).toEqual(['eu', 'eu', 'eu-last']);
    });

    it("deliverPolicy 'new' skips messages stored before the durable was created", async () => {
      await env.stream('fresh');
      await env.bus.publish(env.subject('fresh', 'x'), bytes('old'));
      const inbox = new Inbox();
      await env.bus.consume({ stream: env.streamName('fresh'), durable: 'newcomer', deliverPolicy: 'new' }, inbox.record);
      await env.bus.publish(env.subject('fresh', 'x'), bytes('new'));
      await inbox.waitForCount(1, 'the new message');
      expect(inbox.texts()).toEqual(['new']);
    });

    it('de-duplicates publishes with the same msgId within the window', async () => {
      await env.stream('dedupe');
      const subject = env.subject('dedupe', 'x');
      const a = await env.bus.publish(subject, bytes('one'), { msgId: 'id-1' });
      const b = await env.bus.publish(subject, bytes('one again'), { msgId: 'id-1' });
      const c = await env.bus.publish(subject, bytes('two'), { msgId: 'id-2' });
      expect(a.duplicate).toBe(false);
      expect(b).toEqual({ ...a, duplicate: true });
      expect(c.sequence).toBe(a.sequence + 1);
      const inbox = new Inbox();
      await env.bus.consume({ stream: env.streamName('dedupe'), durable: 'd', maxInFlight: 1 }, inbox.record);
      await inbox.waitForCount(2, 'distinct messages');
      await quietPeriod(200);
      expect(inbox.texts()).toEqual(['one', 'two']);
    });

    it('publish to a subject no stream captures rejects with NoStreamError', async () => {
      await env.stream('covered');
      const err = await rejectionOf(env.bus.publish(env.subject('uncovered', 'x'), bytes('lost')));
      expect(err).toBeInstanceOf(NoStreamError);
      expect((err as NoStreamError).code).toBe('BUS_NO_STREAM');
    });

    it('consume on a missing stream rejects with NoStreamError', async () => {
      const err = await rejectionOf(env.bus.consume({ stream: env.streamName('missing'), durable: 'd' }, async () => undefined));
      expect(err).toBeInstanceOf(NoStreamError);
    });

    it('a filter outside the stream subjects is rejected, and a durable keeps its filter', async () => {
      await env.stream('strict');
      const outside = await rejectionOf(
        env.bus.consume({ stream: env.streamName('strict'), durable: 'd1', filterSubject: env.subject('elsewhere', '>') }, async () => undefined),
      );
      expect(outside).toBeInstanceOf(InvalidSubjectError);
      const consumer = await env.bus.consume(
        { stream: env.streamName('strict'), durable: 'd2', filterSubject: env.subject('strict', 'a') },
        async () => undefined,
      );
      await consumer.stop();
      const changed = await rejectionOf(
        env.bus.consume({ stream: env.streamName('strict'), durable: 'd2', filterSubject: env.subject('strict', 'b') }, async () => undefined),
      );
      expect(changed).toBeInstanceOf(ConsumerConflictError);
    });

    it('ensureStream is idempotent and applies updated subjects and limits', async () => {
      const def = await env.stream('evolving');
      await env.bus.ensureStream(def);
      await env.bus.ensureStream({ ...def, subjects: [...def.subjects, env.subject('extra', '*')], maxMsgs: 3 });
      for (let i = 1; i <= 5; i++) await env.bus.publish(env.subject(i % 2 === 0 ? 'extra' : 'evolving', `m${i}`), bytes(`m${i}`));
      const inbox = new Inbox();
      await env.bus.consume({ stream: def.name, durable: 'tail', maxInFlight: 1 }, inbox.record);
      await inbox.waitForCount(3, 'the newest three');
      await quietPeriod(200);
      // maxMsgs 3: the two oldest were dropped
      expect(inbox.texts()).toEqual(['m3', 'm4', 'm5']);
    });

    it('ensureStream rejects subjects overlapping another stream', async () => {
      await env.stream('owner');
      const err = await rejectionOf(env.bus.ensureStream({ name: env.streamName('intruder'), subjects: [env.subject('owner', 'x', '*')] }));
      expect(err).toBeInstanceOf(StreamConflictError);
    });

    it('core send on a subject a stream captures is stored as well', async () => {
      await env.stream('captured');
      env.bus.send(env.subject('captured', 'x'), bytes('fire-and-forget'));
      const inbox = new Inbox();
      await env.bus.consume({ stream: env.streamName('captured'), durable: 'd' }, inbox.record);
      await inbox.waitForCount(1, 'the stored core message');
      expect(inbox.texts()).toEqual(['fire-and-forget']);
    });
  });
}
