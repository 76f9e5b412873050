import { DeliveryKind, type IServerToAgent } from '@shepherd/proto';
import { startFakeAgent, type FakeAgent } from '@shepherd/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { TOKEN, startTestGateway, type TestGateway } from './gateway.test-helpers.js';

let tg: TestGateway;
const agents: FakeAgent[] = [];

afterEach(async () => {
  for (const a of agents.splice(0)) await a.stop();
  await tg?.close();
});

const offer = (uid: Uint8Array): IServerToAgent => ({
  instanceUid: uid,
  remoteConfig: {
    config: { configMap: { 'collector.yaml': { body: Buffer.from('receivers: {}\n'), contentType: 'text/yaml' } } },
    configHash: Buffer.alloc(32, 7),
  },
});

describe.each(['websocket', 'http'] as const)('the @shepherd/testing FakeAgent over %s', (transport) => {
  it('gets a remote config delivered, applies it, and sees no protocol violation', async () => {
    tg = await startTestGateway();
    const agent = await startFakeAgent({ endpoint: tg.gateway.url, transport, token: TOKEN, pollMs: 50, gzip: transport === 'http' });
    agents.push(agent);
    tg.deliver(agent.instanceUidBytes, offer(agent.instanceUidBytes), DeliveryKind.DELIVERY_KIND_REMOTE_CONFIG);
    await agent.waitFor((a) => a.currentConfig['collector.yaml'], { description: 'the applied config' });
    expect(agent.currentConfig['collector.yaml']!.body.toString()).toBe('receivers: {}\n');
    await agent.stop();
    await tg.events.connection((e) => e.reason === 'agent_disconnect', 'agent_disconnect on stop');
    expect(agent.violations).toEqual([]);
  });
});
