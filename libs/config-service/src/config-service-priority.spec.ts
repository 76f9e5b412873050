import type { SqlStore } from '@shepherd/store';
import { interceptingStore } from '@shepherd/store/testing';
import { waitFor } from '@shepherd/testing';
import { describe, expect, it } from 'vitest';
import { FULL_CAPABILITIES, description, envelopeBytes, newAgent, seq } from './agent-fixtures.test-helpers.js';
import { parseSelector } from './selector.js';
import { DEFAULT_FILES, useServiceHarness } from './service-harness.test-helpers.js';
import { ENGINES, type TestDatabase, useTestDatabase } from './test-database.test-helpers.js';

/** A store whose fan-out reads (the keyset batches) wait until `release()`. */
function holdingFanoutReads(inner: SqlStore) {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let blocked = 0;
  const store = interceptingStore(inner, async (sql, _params, next) => {
    if (/ORDER BY instance_uid LIMIT/.test(sql)) {
      blocked += 1;
      await held;
    }
    return next();
  });
  return { store, release: () => release(), blocked: () => blocked };
}

describe.each(ENGINES)('config service: a fan-out goes before agent events on %s', (engine) => {
  const db: TestDatabase = useTestDatabase(engine);

  /** Starts a fan-out that stays blocked in its first read, then publishes a new agent's first report. */
  async function reportDuringFanout(h: ReturnType<typeof useServiceHarness>, hold: ReturnType<typeof holdingFanoutReads>) {
    await h.admin.createConfig({ tenantId: 'default', author: 'tester', files: DEFAULT_FILES, selector: parseSelector('env=test') });
    await waitFor(() => hold.blocked() > 0, { description: 'the fan-out to start reading' });
    const agent = newAgent();
    const message = { instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description({ env: 'x' }) };
    await h.bus.publish(h.topology.subjects.agentMessage, envelopeBytes(message, { receivedAtMs: h.clock, gatewayId: h.gatewayId }));
    const stored = async () => (await db.store.query('SELECT 1 FROM agents WHERE instance_uid = $1', [agent.uid])).rowCount === 1;
    return { stored };
  }

  describe('within the wait bound', () => {
    let hold: ReturnType<typeof holdingFanoutReads>;
    const h = useServiceHarness(db, { store: () => (hold = holdingFanoutReads(db.store)).store, fanoutPriorityMaxWaitMs: 20_000 });

    it('handles the report only once the fan-out finished', async () => {
      const { stored } = await reportDuringFanout(h, hold);
      // The fan-out stays blocked: the report could only be handled by skipping the priority.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await stored()).toBe(false);
      hold.release();
      await waitFor(stored, { description: 'the report to be handled after the fan-out' });
    });
  });

  describe('past the wait bound', () => {
    let hold: ReturnType<typeof holdingFanoutReads>;
    const h = useServiceHarness(db, { store: () => (hold = holdingFanoutReads(db.store)).store, fanoutPriorityMaxWaitMs: 200 });

    it('handles the report after maxWaitMs even while the fan-out still runs', async () => {
      const { stored } = await reportDuringFanout(h, hold);
      await waitFor(stored, { description: 'the report to be handled despite the running fan-out' });
      expect(h.logs.some((line) => line.msg === 'config change reconciled')).toBe(false);
      hold.release();
    });
  });
});
