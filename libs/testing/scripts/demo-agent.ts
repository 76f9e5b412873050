/**
 * A demo OpAMP agent for trying Shepherd by hand (`npm run demo:agent`): it
 * connects over WebSocket, reports labels, writes every remote config it is
 * offered to a file and reports APPLIED. The real supervisor is apps/agent.
 *
 * Environment: OPAMP_ENDPOINT (default ws://127.0.0.1:4320/v1/opamp),
 * OPAMP_TOKEN (bearer token), AGENT_LABELS (default env=test,region=us-west-2),
 * CONFIG_FILE (default ./demo-agent/config.yaml).
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FakeAgent } from '../src/index.js';

const endpoint = process.env['OPAMP_ENDPOINT'] ?? 'ws://127.0.0.1:4320/v1/opamp';
const configFile = resolve(process.env['CONFIG_FILE'] ?? 'demo-agent/config.yaml');
const labels = Object.fromEntries(
  (process.env['AGENT_LABELS'] ?? 'env=test,region=us-west-2')
    .split(',')
    .map((pair) => pair.split('=').map((part) => part.trim()))
    .filter((pair): pair is [string, string] => pair.length === 2 && pair[0] !== ''),
);

const agent = new FakeAgent({
  endpoint,
  transport: endpoint.startsWith('http') ? 'http' : 'websocket',
  token: process.env['OPAMP_TOKEN'],
  description: { identifying: { 'service.name': 'demo-agent' }, nonIdentifying: labels },
  heartbeatMs: 30_000,
  pollMs: 5_000,
  async applyConfig(files, hashHex) {
    // The server's signature entry (docs/config-signing.md) is not part of the collector config.
    const body = Object.entries(files)
      .filter(([name]) => name !== 'shepherd.signature.json')
      .map(([, file]) => file.body.toString('utf8'))
      .join('\n---\n');
    await mkdir(dirname(configFile), { recursive: true });
    // Written beside the target and renamed so a reader never sees half a file.
    await writeFile(`${configFile}.tmp`, body);
    await rename(`${configFile}.tmp`, configFile);
    console.log(`applied config ${hashHex.slice(0, 12)} → ${configFile}`);
  },
});
agent.on('connected', () => console.log(`connected to ${agent.endpoint} as ${agent.instanceUid} with labels ${JSON.stringify(labels)}`));
agent.on('disconnected', () => console.log('disconnected; reconnecting'));
agent.start();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void agent.stop().finally(() => process.exit(0));
  });
}
