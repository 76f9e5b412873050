import { describe, expect, it } from 'vitest';
import { waitFor } from '@shepherd/testing';
import type { BusMessage } from './event-bus.js';
import { Inbox, bytes, deferred, quietPeriod, text, type ContractEnv } from './bus-contract.test-helpers.js';

/** Acknowledgement, redelivery, maxDeliver, bounded concurrency and publish backpressure. */
export function describeRedeliveryContract(env: ContractEnv): void {
  describe('acknowledgement and redelivery', () => {
    it('a throwing handler gets the message again with deliveryCount 2', async () => {
      await env.stream('flaky');
      const attempts: BusMessage[] = [];
      await env.bus.consume({ stream: env.streamName('flaky'), durable: 'd', retryBackoffMs: [50] }, async (msg) => {
        attempts.push(msg);
        if (msg.deliveryCount === 1) throw new Error('transient failure');
      });
      await env.bus.publish(env.subject('flaky', 'x'), bytes('retry me'));
      await waitFor(() => attempts.length >= 2, { description: 'the redelivery' });
      expect(attempts.map((m) => m.deliveryCount)).toEqual([1, 2]);
      expect(attempts.map((m) => text(m.data))).toEqual(['retry me', 'retry me']);
      expect(attempts[1]!.streamSequence).toBe(attempts[0]!.streamSequence);
    });

    it('a message not acked within ackWaitMs is redelivered', async () => {
      await env.stream('slow');
      const release = deferred();
      const deliveries: number[] = [];
      await env.bus.consume({ stream: env.streamName('slow'), durable: 'd', ackWaitMs: 400, maxInFlight: 2 }, async (msg) => {
        deliveries.push(msg.deliveryCount);
        if (msg.deliveryCount === 1) await release.promise;
      });
      await env.bus.publish(env.subject('slow', 'x'), bytes('hang'));
      try {
        await waitFor(() => deliveries.length >= 2, { timeoutMs: 5_000, description: 'redelivery after the ack wait' });
        expect(deliveries).toEqual([1, 2]);
      } finally {
        release.resolve();
      }
    });

    it('stops redelivering after maxDeliver deliveries', async () => {
      await env.stream('poison');
      const deliveries: number[] = [];
      const healthy = new Inbox();
      await env.bus.consume({ stream: env.streamName('poison'), durable: 'd', maxDeliver: 3, retryBackoffMs: [20], maxInFlight: 1 }, async (msg) => {
        if (text(msg.data) !== 'poison') return healthy.record(msg);
        deliveries.push(msg.deliveryCount);
        throw new Error('always fails');
      });
      await env.bus.publish(env.subject('poison', 'x'), bytes('poison'));
      await waitFor(() => deliveries.length >= 3, { description: 'three deliveries' });
      await env.bus.publish(env.subject('poison', 'x'), bytes('healthy'));
      await healthy.waitForCount(1, 'the next message after the poison one');
      // many retry backoffs long: a fourth delivery would have happened by now
      await quietPeriod(400);
      expect(deliveries).toEqual([1, 2, 3]);
    });

    it('runs at most maxInFlight handlers at once per consumer', async () => {
      await env.stream('bounded');
      let running = 0;
      let peak = 0;
      const done = new Inbox();
      await env.bus.consume({ stream: env.streamName('bounded'), durable: 'd', maxInFlight: 3 }, async (msg) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running--;
        await done.record(msg);
      });
      await Promise.all(Array.from({ length: 15 }, (_, i) => env.bus.publish(env.subject('bounded', 'x'), bytes(`m${i}`))));
      await done.waitForCount(15, 'all handled');
      expect(peak).toBeGreaterThan(1);
      expect(peak).toBeLessThanOrEqual(3);
    });

    it('stop() waits for handlers in flight, and their acks stick', async () => {
      await env.stream('draining');
      const started = deferred();
      const release = deferred();
      let finished = false;
      const opts = { stream: env.streamName('draining'), durable: 'd', ackWaitMs: 300 };
      const consumer = await env.bus.consume(opts, async () => {
        started.resolve();
        await release.promise;
        finished = true;
      });
      await env.bus.publish(env.subject('draining', 'x'), bytes('in flight'));
      await started.promise;
      const stopping = consumer.stop();
      setTimeout(() => release.resolve(), 50);
      await stopping;
      expect(finished).toBe(true);
      const again = new Inbox();
      await env.bus.consume(opts, again.record);
      // longer than ackWaitMs: a lost ack would show up as a redelivery
      await quietPeriod(700);
      expect(again.messages).toEqual([]);
    });

    it('1000 concurrent publishes with maxPendingPublishes=2 all succeed and are all consumed', async () => {
      const { bus, prefix } = await env.open({ maxPendingPublishes: 2 });
      const stream = `${prefix}_burst`;
      await bus.ensureStream({ name: stream, subjects: [`${prefix}.burst.>`] });
      const receipts = await Promise.all(Array.from({ length: 1000 }, (_, i) => bus.publish(`${prefix}.burst.x`, bytes(String(i)))));
      expect(new Set(receipts.map((r) => r.sequence)).size).toBe(1000);
      const inbox = new Inbox();
      await bus.consume({ stream, durable: 'd', maxInFlight: 64 }, inbox.record);
      await inbox.waitForCount(1000, 'the burst', 20_000);
      expect(new Set(inbox.texts()).size).toBe(1000);
    });
  });
}
