import { describe, expect, it } from 'vitest';
import { InvalidNameError, InvalidSubjectError } from './errors.js';
import { createInProcessBus } from './memory/in-process-event-bus.js';
import {
  AGENT_EVENT_CONSUMERS,
  AGENT_EVENTS_LIMITS,
  CONFIG_EVENT_CONSUMERS,
  CONFIG_EVENTS_LIMITS,
  createTopology,
  ensureTopology,
} from './topology.js';

describe('createTopology', () => {
  it('uses the opamp prefix and the AGENT_EVENTS stream by default', () => {
    const t = createTopology();
    expect(t.subjects).toEqual({
      agentMessage: 'opamp.agent.message',
      agentConnection: 'opamp.agent.connection',
      agentLiveness: 'opamp.agent.liveness',
      agentEvents: 'opamp.agent.>',
      deliveries: 'opamp.delivery.*',
      multicasts: 'opamp.multicast.*',
      configChanged: 'opamp.config.changed',
      configEvents: 'opamp.config.>',
    });
    expect(t.streams.agentEvents).toEqual({ name: 'AGENT_EVENTS', subjects: ['opamp.agent.>'], ...AGENT_EVENTS_LIMITS });
    expect(t.streams.configEvents).toEqual({ name: 'CONFIG_EVENTS', subjects: ['opamp.config.>'], ...CONFIG_EVENTS_LIMITS });
    expect(t.delivery('gw-7')).toBe('opamp.delivery.gw-7');
    expect(t.multicast('gw-7')).toBe('opamp.multicast.gw-7');
  });

  it('gives every consuming service its own durable over all agent events', () => {
    const t = createTopology();
    expect(Object.keys(t.consumers)).toEqual([...AGENT_EVENT_CONSUMERS]);
    expect(t.consumers['health-service']).toEqual({ stream: 'AGENT_EVENTS', durable: 'health-service', filterSubject: 'opamp.agent.>' });
  });

  it('gives the config service a durable over config-changed events on the config-events stream', () => {
    const t = createTopology();
    expect(Object.keys(t.configConsumers)).toEqual([...CONFIG_EVENT_CONSUMERS]);
    expect(t.configConsumers['config-service']).toEqual({
      stream: 'CONFIG_EVENTS',
      durable: 'config-service',
      filterSubject: 'opamp.config.changed',
    });
  });

  it('namespaces subjects and stream names by a custom prefix and applies limit overrides', () => {
    const t = createTopology({ prefix: 'tenant1.opamp', agentEvents: { maxMsgs: 5, maxAgeMs: undefined } });
    expect(t.subjects.agentMessage).toBe('tenant1.opamp.agent.message');
    expect(t.streams.agentEvents.name).toBe('AGENT_EVENTS_tenant1_opamp');
    expect(t.streams.agentEvents.maxMsgs).toBe(5);
    expect(t.streams.agentEvents.maxAgeMs).toBe(AGENT_EVENTS_LIMITS.maxAgeMs);
    expect(t.streams.configEvents.name).toBe('CONFIG_EVENTS_tenant1_opamp');
    expect(t.subjects.configChanged).toBe('tenant1.opamp.config.changed');
    expect(t.configConsumers['config-service'].stream).toBe('CONFIG_EVENTS_tenant1_opamp');
    const custom = createTopology({ configEvents: { maxMsgs: 7 } });
    expect(custom.streams.configEvents.maxMsgs).toBe(7);
    expect(custom.streams.configEvents.maxAgeMs).toBe(CONFIG_EVENTS_LIMITS.maxAgeMs);
  });

  it('rejects wildcard prefixes and gateway ids that are not one token', () => {
    expect(() => createTopology({ prefix: 'opamp.>' })).toThrow(InvalidSubjectError);
    expect(() => createTopology().delivery('gw.1')).toThrow(InvalidNameError);
    expect(() => createTopology().delivery('*')).toThrow(InvalidNameError);
    expect(() => createTopology().multicast('gw.1')).toThrow(InvalidNameError);
  });

  it('ensureTopology is idempotent', async () => {
    const bus = createInProcessBus();
    const t = createTopology();
    await ensureTopology(bus, t);
    await ensureTopology(bus, t);
    expect(await bus.publish(t.subjects.agentMessage, new Uint8Array([1]))).toMatchObject({ stream: 'AGENT_EVENTS', sequence: 1 });
    expect(await bus.publish(t.subjects.configChanged, new Uint8Array([1]))).toMatchObject({ stream: 'CONFIG_EVENTS', sequence: 1 });
    await bus.close();
  });
});
