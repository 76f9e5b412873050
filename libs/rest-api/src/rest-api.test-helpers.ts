import type { PublicKeyInfo } from '@shepherd/config-signing';
import { UnauthenticatedError, type Authenticator, type Principal } from '@shepherd/auth';
import { createLogger, type Logger } from '@shepherd/runtime';
import type {
  AgentPage,
  AgentView,
  ConfigAdmin,
  CreateConfigInput,
  CreateConfigResult,
  ListAgentsQuery,
} from '@shepherd/config-service';
import { matchesSelector } from '@shepherd/config-service';
import { FakeAssignmentAdmin } from './assignment-admin.test-helpers.js';
import { FakeConfigQueries } from './config-queries.test-helpers.js';
import { FakeAgentCommands } from './agent-commands.test-helpers.js';
import { createRestApi, type RestApi } from './create-rest-api.js';

/** The token the fake authenticator accepts. */
export const GOOD_TOKEN = 'good-token-0123456789';
export const PRINCIPAL: Principal = Object.freeze({
  subject: 'alice@example.com',
  tenantId: 'tenant-a',
  roles: ['admin'],
  method: 'dev-token',
});

/** Accepts `Bearer GOOD_TOKEN` only, refusing others with the real UnauthenticatedError. */
export class FakeAuthenticator implements Authenticator {
  readonly headers: Array<string | undefined> = [];

  async authenticate(header: string | undefined): Promise<Principal> {
    this.headers.push(header);
    if (header === undefined) throw new UnauthenticatedError('missing_header', 'missing bearer token');
    if (header !== `Bearer ${GOOD_TOKEN}`) throw new UnauthenticatedError('invalid_token', 'invalid bearer token');
    return PRINCIPAL;
  }
}

/**
 * An in-memory ConfigAdmin: records every call, pages over the agents it was
 * given (filtered by tenant and labels, cursor = last uid), and throws
 * `failWith` when set.
 */
export class FakeConfigAdmin extends FakeAssignmentAdmin implements ConfigAdmin {
  readonly created: CreateConfigInput[] = [];
  readonly listed: ListAgentsQuery[] = [];
  readonly fetched: Array<[string, string]> = [];

  constructor(private readonly agents: readonly AgentView[] = []) {
    super();
  }

  async createConfig(input: CreateConfigInput): Promise<CreateConfigResult> {
    if (this.failWith !== undefined) throw this.failWith;
    this.created.push(input);
    const matchedAgents = this.agents.filter((a) => a.tenantId === input.tenantId && matches(a, input.selector.matchLabels)).length;
    return { assignmentId: `asg-${this.created.length}`, configHash: 'ab'.repeat(32), matchedAgents };
  }

  async listAgents(query: ListAgentsQuery): Promise<AgentPage> {
    if (this.failWith !== undefined) throw this.failWith;
    this.listed.push(query);
    const limit = query.limit ?? 100;
    const visible = this.agents
      .filter((a) => a.tenantId === query.tenantId && matches(a, query.labels ?? {}))
      .filter((a) => query.selector === undefined || matchesSelector(query.selector, a.labels))
      .filter((a) => query.after === undefined || a.instanceUid > query.after)
      .sort((a, b) => a.instanceUid.localeCompare(b.instanceUid));
    const page = visible.slice(0, limit);
    const last = page.at(-1);
    return visible.length > limit && last !== undefined ? { agents: page, next: last.instanceUid } : { agents: page };
  }

  async getAgent(tenantId: string, instanceUid: string): Promise<AgentView | undefined> {
    if (this.failWith !== undefined) throw this.failWith;
    this.fetched.push([tenantId, instanceUid]);
    return this.agents.find((a) => a.tenantId === tenantId && a.instanceUid === instanceUid);
  }
}

function matches(agent: AgentView, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(labels).every(([k, v]) => agent.labels[k] === v);
}

/** A plausible agent view with the given uid and labels. */
export function agentView(instanceUid: string, labels: Record<string, string>, tenantId = PRINCIPAL.tenantId): AgentView {
  return {
    instanceUid,
    tenantId,
    connected: true,
    gatewayId: 'gw-1',
    transport: 'websocket',
    lastSeenAt: '2026-01-02T03:04:05.000Z',
    firstSeenAt: '2026-01-01T00:00:00.000Z',
    identifying: { 'service.name': 'otelcol' },
    nonIdentifying: labels,
    labels: { 'service.name': 'otelcol', ...labels },
    capabilities: ['ReportsStatus', 'AcceptsRemoteConfig'],
    health: { healthy: true, status: 'ok', lastError: '', metrics: { cpu_usage_percent: 1.5 } },
    effectiveConfig: null,
    remoteConfig: { targetHash: null, reportedHash: null, status: null, errorMessage: null, lastAppliedHash: null, lastAppliedAt: null },
  };
}

/** Log lines written by a test logger, parsed. */
export interface CapturedLog {
  readonly logger: Logger;
  readonly lines: Array<Record<string, unknown>>;
}

export function capturedLogger(): CapturedLog {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    name: 'rest-api-test',
    level: 'error',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

/** A REST API over fresh fakes. */
export function testApi(agents: readonly AgentView[] = [], maxBodyBytes?: number, configSigningKey?: PublicKeyInfo) {
  const configAdmin = new FakeConfigAdmin(agents);
  const configQueries = new FakeConfigQueries();
  const agentCommands = new FakeAgentCommands();
  const authenticator = new FakeAuthenticator();
  const log = capturedLogger();
  const api: RestApi = createRestApi({
    configAdmin,
    configQueries,
    agentCommands,
    authenticator,
    logger: log.logger,
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
    ...(configSigningKey === undefined ? {} : { configSigningKey }),
  });
  return { api, app: api.app, configAdmin, configQueries, agentCommands, authenticator, log };
}

export const AUTH = { authorization: `Bearer ${GOOD_TOKEN}` } as const;
