/** The parts of the REST AgentView JSON the scenarios check. */
export interface AgentJson {
  readonly instanceUid: string;
  readonly connected: boolean;
  readonly gatewayId: string | null;
  readonly transport: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly capabilities: readonly string[];
  readonly health: { readonly healthy: boolean; readonly status: string; readonly lastError: string; readonly metrics: Readonly<Record<string, number>> } | null;
  readonly effectiveConfig: { readonly files: Readonly<Record<string, { readonly body: string; readonly contentType: string }>> } | null;
  readonly remoteConfig: {
    readonly targetHash: string | null;
    readonly reportedHash: string | null;
    readonly status: 'UNSET' | 'APPLIED' | 'APPLYING' | 'FAILED' | null;
    readonly errorMessage: string | null;
  };
}

/** `201` body of `POST /api/v1/configs`. */
export interface CreatedConfig {
  readonly assignmentId: string;
  readonly configHash: string;
  readonly matchedAgents: number;
}

/** A caller of Shepherd's REST API with one bearer token. */
export interface RestClient {
  /** `POST /api/v1/configs` with a JSON body. @throws Error quoting the reply unless 201. */
  postConfig(body: unknown): Promise<CreatedConfig>;
  /** `GET /api/v1/agents/{uid}`; undefined on 404. @throws Error on any other non-200. */
  getAgent(uid: string): Promise<AgentJson | undefined>;
  /** `GET /api/v1/agents?label=k=v…` (first page). @throws Error unless 200. */
  listAgents(labels?: Readonly<Record<string, string>>): Promise<AgentJson[]>;
}

async function failure(what: string, res: Response): Promise<Error> {
  return new Error(`${what} answered ${res.status}: ${await res.text()}`);
}

/** A client of the REST API at `baseUrl` (the `REST API listening` URL, without `/api`). */
export function restClient(baseUrl: string, token: string): RestClient {
  const headers = { authorization: `Bearer ${token}` };
  return Object.freeze({
    async postConfig(body: unknown): Promise<CreatedConfig> {
      const res = await fetch(`${baseUrl}/api/v1/configs`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status !== 201) throw await failure('POST /api/v1/configs', res);
      return (await res.json()) as CreatedConfig;
    },
    async getAgent(uid: string): Promise<AgentJson | undefined> {
      const res = await fetch(`${baseUrl}/api/v1/agents/${encodeURIComponent(uid)}`, { headers });
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw await failure(`GET /api/v1/agents/${uid}`, res);
      return (await res.json()) as AgentJson;
    },
    async listAgents(labels: Readonly<Record<string, string>> = {}): Promise<AgentJson[]> {
      const query = Object.entries(labels)
        .map(([k, v]) => `label=${encodeURIComponent(`${k}=${v}`)}`)
        .join('&');
      const res = await fetch(`${baseUrl}/api/v1/agents${query === '' ? '' : `?${query}`}`, { headers });
      if (res.status !== 200) throw await failure('GET /api/v1/agents', res);
      return ((await res.json()) as { agents: AgentJson[] }).agents;
    },
  });
}

/** The seed document's config (section 9.3): an OTLP gRPC receiver on 0.0.0.0:4317. */
export const SEED_CONFIG = Object.freeze({
  receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
});

/** The seed document's request body for `POST /api/v1/configs`. */
export const SEED_BODY = Object.freeze({ target: 'env=test,region=us-west-2', config: SEED_CONFIG });
