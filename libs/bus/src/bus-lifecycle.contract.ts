import { describe, expect, it } from 'vitest';
import { BusClosedError } from './errors.js';
import { createTopology, ensureTopology } from './topology.js';
import { Inbox, bytes, deferred, rejectionOf, thrownBy, type ContractEnv } from './bus-contract.test-helpers.js';

/** close() semantics and the Shepherd topology on a real bus. */
export function describeLifecycleContract(env: ContractEnv): void {
  describe('lifecycle', () => {
    it('close() then every call fails with BusClosedError', async () => {
      const def = await env.stream('closing');
      const { bus } = env;
      await bus.close();
      await bus.close();
      const subject = env.subject('closing', 'x');
      expect(await rejectionOf(bus.publish(subject, bytes('late')))).toBeInstanceOf(BusClosedError);
      expect(await rejectionOf(bus.consume({ stream: def.name, durable: 'd' }, async () => undefined))).toBeInstanceOf(BusClosedError);
      expect(await rejectionOf(bus.request(subject, bytes('?'), { timeoutMs: 100 }))).toBeInstanceOf(BusClosedError);
      expect(await rejectionOf(bus.ensureStream(def))).toBeInstanceOf(BusClosedError);
      expect(thrownBy(() => bus.send(subject, bytes('late')))).toBeInstanceOf(BusClosedError);
      expect(thrownBy(() => bus.subscribe(subject, {}, () => undefined))).toBeInstanceOf(BusClosedError);
      expect(thrownBy(() => bus.serve(subject, {}, async () => bytes('')))).toBeInstanceOf(BusClosedError);
    });

    it('close() lets running durable handlers finish first', async () => {
      await env.stream('graceful');
      const started = deferred();
      let finished = false;
      await env.bus.consume({ stream: env.streamName('graceful'), durable: 'd' }, async () => {
        started.resolve();
        await new Promise((resolve) => setTimeout(resolve, 100));
        finished = true;
      });
      await env.bus.publish(env.subject('graceful', 'x'), bytes('work'));
      await started.promise;
      await env.bus.close();
      expect(finished).toBe(true);
    });

    it('ensureTopology creates the agent-events stream that every service durable reads', async () => {
      const topology = createTopology({ prefix: env.prefix });
      await ensureTopology(env.bus, topology);
      await ensureTopology(env.bus, topology);
      const inboxes = Object.values(topology.consumers).map(() => new Inbox());
      await Promise.all(Object.values(topology.consumers).map((spec, i) => env.bus.consume({ ...spec, maxInFlight: 1 }, inboxes[i]!.record)));
      await env.bus.publish(topology.subjects.agentConnection, bytes('connected'));
      await env.bus.publish(topology.subjects.agentMessage, bytes('agent-to-server'));
      for (const inbox of inboxes) {
        await inbox.waitForCount(2, 'both agent events at every service');
        expect(inbox.texts()).toEqual(['connected', 'agent-to-server']);
      }
      const delivered = new Inbox();
      env.bus.subscribe(topology.delivery('gw-1'), {}, delivered.record);
      env.bus.send(topology.delivery('gw-2'), bytes('not mine'));
      env.bus.send(topology.delivery('gw-1'), bytes('server-to-agent'));
      await delivered.waitForCount(1, 'the gateway delivery');
      expect(delivered.texts()).toEqual(['server-to-agent']);
    });
  });
}
