import { interceptingStore } from '@shepherd/store/testing';
import { waitFor } from '@shepherd/testing';
import { describe, expect, it } from 'vitest';
import { FULL_CAPABILITIES, description, envelopeBytes, newAgent, seq } from './agent-fixtures.test-helpers.js';
import { parseSelector } from './selector.js';
import { holdingFanout, type HeldFanout } from './fanout-hold.test-helpers.js';
import { DEFAULT_FILES, useServiceHarness } from './service-harness.test-helpers.js';
import { ENGINES, type TestDatabase, useTestDatabase } from './test-database.test-helpers.js';

describe.each(ENGINES)('config service: a fan-out goes before agent events on %s', (engine) => {
  const db: TestDatabase = useTestDatabase(engine);

  /** Starts a fan-out that stays blocked in its first read, runs `before`, then publishes a new agent's first report. */
  async function reportDuringFanout(h: ReturnType<typeof useServiceHarness>, hold: HeldFanout, before: () => Promise<void> = async () => undefined) {
    await h.admin.createConfig({ tenantId: 'default', author: 'tester', files: DEFAULT_FILES, selector: parseSelector('env=test') });
    await waitFor(() => hold.blocked() > 0, { description: 'the fan-out to start reading' });
    await before();
    const agent = newAgent();
    const message = { instanceUid: agent.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description({ env: 'x' }) };
    await h.bus.publish(h.topology.subjects.agentMessage, envelopeBytes(message, { receivedAtMs: h.clock, gatewayId: h.gatewayId }));
    const stored = async () => (await db.store.query('SELECT 1 FROM agents WHERE instance_uid = $1', [agent.uid])).rowCount === 1;
    return { stored };
  }

  describe('with one event at a time during a fan-out', () => {
    let hold: HeldFanout;
    let heldAgent = '';
    let releaseAgent: () => void = () => undefined;
    let agentHeld = false;
    // The fan-out's listing is held, and so is the inventory write of `heldAgent`.
    const store = () =>
      interceptingStore((hold = holdingFanout(db.store)).store, async (sql, params, next) => {
        if (heldAgent !== '' && /^\s*INSERT INTO agents/.test(sql) && JSON.stringify(params).includes(heldAgent)) {
          agentHeld = true;
          await new Promise<void>((resolve) => (releaseAgent = resolve));
        }
        return next();
      });
    const h = useServiceHarness(db, { store, fanoutEventConcurrency: 1 });

    it('handles one event at a time while the fan-out runs: a second waits for the first', async () => {
      const first = newAgent();
      heldAgent = first.uid;
      const { stored: secondStored } = await reportDuringFanout(h, hold, async () => {
        const message = { instanceUid: first.bytes, sequenceNum: seq(1), capabilities: FULL_CAPABILITIES, agentDescription: description({ env: 'x' }) };
        await h.bus.publish(h.topology.subjects.agentMessage, envelopeBytes(message, { receivedAtMs: h.clock, gatewayId: h.gatewayId }));
        await waitFor(() => agentHeld, { description: 'the first report to take the one place' });
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await secondStored()).toBe(false);
      releaseAgent();
      await waitFor(secondStored, { description: 'the second report, once the first is done' });
      expect(h.logs.some((line) => line.msg === 'config change reconciled')).toBe(false);
      hold.release();
    });
  });
});
