import { AgentNotFoundError, AgentOfflineError, type AgentCommands } from '@shepherd/config-service';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAgentCommands } from '../agent-commands.test-helpers.js';
import { createRestApi } from '../create-rest-api.js';
import { AUTH, FakeAuthenticator, FakeConfigAdmin, PRINCIPAL, capturedLogger } from '../rest-api.test-helpers.js';

const UID = '0190a000-0000-7000-8000-000000000001';

const apps: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

function api(commands?: AgentCommands) {
  const { app } = createRestApi({
    configAdmin: new FakeConfigAdmin(),
    authenticator: new FakeAuthenticator(),
    logger: capturedLogger().logger,
    ...(commands === undefined ? {} : { agentCommands: commands }),
  });
  apps.push(app);
  return app;
}

describe('POST /api/v1/agents/:uid/restart', () => {
  it("restarts the caller's agent as the caller and answers 202 with the command id", async () => {
    const commands = new FakeAgentCommands(() => ({ commandId: 'command:restart:1', gatewayId: 'gw-7' }));
    const res = await api(commands).inject({ method: 'POST', url: `/api/v1/agents/${UID.toUpperCase()}/restart`, headers: AUTH });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ commandId: 'command:restart:1', gatewayId: 'gw-7' });
    expect(commands.restarts).toEqual([[PRINCIPAL.tenantId, UID, PRINCIPAL.subject]]);
  });

  it('maps an unknown agent to 404 and an offline one to 412 with their codes', async () => {
    const commands = new FakeAgentCommands((uid) => {
      throw uid.endsWith('1') ? new AgentNotFoundError(uid) : new AgentOfflineError(`agent ${uid} is not connected`);
    });
    const app = api(commands);
    const missing = await app.inject({ method: 'POST', url: `/api/v1/agents/${UID}/restart`, headers: AUTH });
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'CONFIG_AGENT_NOT_FOUND']);
    const offline = await app.inject({ method: 'POST', url: `/api/v1/agents/${UID.slice(0, -1)}2/restart`, headers: AUTH });
    expect([offline.statusCode, offline.json().error.code]).toEqual([412, 'AGENT_OFFLINE']);
  });

  it('refuses a malformed uid and an anonymous caller without sending anything', async () => {
    const commands = new FakeAgentCommands(() => ({ commandId: 'x', gatewayId: 'gw' }));
    const app = api(commands);
    const bad = await app.inject({ method: 'POST', url: '/api/v1/agents/not-a-uid/restart', headers: AUTH });
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'INVALID_REQUEST']);
    const anonymous = await app.inject({ method: 'POST', url: `/api/v1/agents/${UID}/restart` });
    expect(anonymous.statusCode).toBe(401);
    expect(commands.restarts).toEqual([]);
  });

  it('is absent (404 ROUTE_NOT_FOUND) when the server has no command port', async () => {
    const res = await api().inject({ method: 'POST', url: `/api/v1/agents/${UID}/restart`, headers: AUTH });
    expect([res.statusCode, res.json().error.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
  });
});
