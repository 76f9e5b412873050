import { AGENT_EVENTS_LIMITS, CONFIG_EVENTS_LIMITS } from '@shepherd/bus';
import { describe, expect, it } from 'vitest';
import { appTopology } from './app-topology.js';

describe('appTopology', () => {
  it('sizes the agent-events stream from BUS_AGENT_EVENTS_MAX_MSGS and BUS_AGENT_EVENTS_MAX_MIB, and leaves the rest as the defaults', () => {
    const topology = appTopology({ busSubjectPrefix: 'fleet', busAgentEventsMaxMsgs: 2_000_000, busAgentEventsMaxMib: 2048 });
    expect(topology.streams.agentEvents).toMatchObject({ maxMsgs: 2_000_000, maxBytes: 2048 * 1_048_576, maxAgeMs: AGENT_EVENTS_LIMITS.maxAgeMs });
    expect(topology.streams.configEvents).toMatchObject({ maxMsgs: CONFIG_EVENTS_LIMITS.maxMsgs, maxBytes: CONFIG_EVENTS_LIMITS.maxBytes });
    expect(topology.subjects.agentMessage).toBe('fleet.agent.message');
  });
});
