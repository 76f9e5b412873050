import { AGENT_EVENTS_LIMITS, createTopology, type Topology } from '@shepherd/bus';

/** The settings {@link appTopology} reads (BUS_SUBJECT_PREFIX, BUS_AGENT_EVENTS_MAX_MSGS, BUS_AGENT_EVENTS_MAX_MIB). */
export interface TopologySettings {
  readonly busSubjectPrefix: string;
  readonly busAgentEventsMaxMsgs: number;
  readonly busAgentEventsMaxMib: number;
}

/** The bus topology of a process: its subject prefix and the agent-events stream's limits. */
export function appTopology(settings: TopologySettings): Topology {
  return createTopology({
    prefix: settings.busSubjectPrefix,
    agentEvents: { ...AGENT_EVENTS_LIMITS, maxMsgs: settings.busAgentEventsMaxMsgs, maxBytes: settings.busAgentEventsMaxMib * 1_048_576 },
  });
}
