import type { EventBus, Topology } from '@shepherd/bus';
import { type ConfigChangedEvent, encodeConfigChangedEvent } from './config-changed-event.js';
import { type ServiceLogger, errorFields } from './service-logger.js';

/** Publishes config-changed events after their change committed. */
export interface ChangePublisher {
  /**
   * Publishes `event` with the bus de-duplication id `msgId` (unique per change, so a
   * deactivation is never mistaken for the creation of the same assignment). A failed publish
   * is logged, not thrown: the change is committed and agents converge on their next report.
   */
  publish(event: ConfigChangedEvent, msgId: string): Promise<void>;
}

/** Creates a {@link ChangePublisher} on `topology.subjects.configChanged`. */
export function createChangePublisher(bus: EventBus, topology: Topology, logger: ServiceLogger): ChangePublisher {
  return Object.freeze({
    async publish(event: ConfigChangedEvent, msgId: string): Promise<void> {
      try {
        await bus.publish(topology.subjects.configChanged, encodeConfigChangedEvent(event), { msgId });
      } catch (err) {
        const fields = { ...errorFields(err), assignmentId: event.assignmentId };
        logger.error(fields, 'config-changed event not published; agents converge on their next report');
      }
    },
  });
}
