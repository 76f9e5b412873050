import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { resolveConsumeOptions } from '../consume-options.js';
import { NatsConsumerLoop } from './nats-consumer-loop.js';
import { nextTurn } from './next-turn.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A consumer over an in-memory backlog: each fetch hands out up to `max_messages` at once and records the size asked for. */
function backlogConsumer(size: number) {
  const acked: number[] = [];
  const pulls: number[] = [];
  let next = 1;
  const message = (seq: number): JsMsg =>
    ({
      seq,
      subject: 'agents.msg',
      data: new Uint8Array([seq % 256]),
      headers: undefined,
      info: { deliveryCount: 1 },
      ack: () => void acked.push(seq),
      nak: () => undefined,
      term: () => undefined,
    }) as unknown as JsMsg;
  const consumer = {
    fetch: async ({ max_messages }: { max_messages: number }) => {
      pulls.push(max_messages);
      const batch: JsMsg[] = [];
      while (batch.length < max_messages && next <= size) batch.push(message(next++));
      return {
        close: async () => undefined,
        async *[Symbol.asyncIterator]() {
          yield* batch;
          // An empty backlog: like a pull that expires on the server.
          if (batch.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
        },
      } as unknown as ConsumerMessages;
    },
  } as unknown as Consumer;
  return { consumer, acked, pulls };
}

describe('NatsConsumerLoop', () => {
  it('pulls a backlog in batches of at least half the in-flight window, and acks every message once', async () => {
    const { consumer, acked, pulls } = backlogConsumer(200);
    const opts = resolveConsumeOptions({ stream: 'S', durable: 'd', maxInFlight: 16 });
    let running = 0;
    let most = 0;
    const loop = new NatsConsumerLoop(
      consumer,
      opts,
      async () => {
        running += 1;
        most = Math.max(most, running);
        // Handlers finish one by one, in separate turns, as database replies would.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
        running -= 1;
      },
      quiet,
      async () => undefined,
    ).start();
    while (acked.length < 200) await new Promise((resolve) => setTimeout(resolve, 5));
    await loop.stop();

    expect([...acked].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(most).toBeLessThanOrEqual(16);
    const backlogPulls = pulls.filter((n, i) => i < pulls.length - 1 && n > 0);
    expect(Math.min(...backlogPulls)).toBeGreaterThanOrEqual(8);
    expect(pulls.length).toBeLessThan(200 / 8 + 3);
  });

  it('acks after the handler resolved, in the same turn as the other handlers that finished then', async () => {
    const { consumer, acked } = backlogConsumer(4);
    const opts = resolveConsumeOptions({ stream: 'S', durable: 'd', maxInFlight: 4 });
    const release: Array<() => void> = [];
    const loop = new NatsConsumerLoop(consumer, opts, () => new Promise<void>((resolve) => release.push(resolve)), quiet, async () => undefined).start();
    while (release.length < 4) await new Promise((resolve) => setTimeout(resolve, 1));
    release.forEach((resolve) => resolve());
    await Promise.resolve();
    expect(acked).toEqual([]);
    await nextTurn();
    await new Promise((resolve) => setImmediate(resolve));
    expect([...acked].sort()).toEqual([1, 2, 3, 4]);
    await loop.stop();
  });
});

describe('nextTurn', () => {
  it('gives every caller of one turn the same promise, and a new one in the next turn', async () => {
    const first = nextTurn();
    expect(nextTurn()).toBe(first);
    let settled = false;
    void first.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await first;
    expect(settled).toBe(true);
    expect(nextTurn()).not.toBe(first);
  });
});
