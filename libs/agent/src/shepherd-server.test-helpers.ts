/**
 * The all-in-one Shepherd server as a child process for the agent's specs
 * (embedded adapters, temp DATA_DIR, loopback, port 0), plus the few REST
 * calls the specs make.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loopbackAppEnv, startAppProcess, waitFor, type AppProcess } from '@shepherd/testing';

const ALL_IN_ONE = resolve(import.meta.dirname, '../../../apps/all-in-one/src/main.ts');
/** tsx compiles the app on start-up; a loaded machine needs a while. */
const READY_TIMEOUT_MS = 60_000;

/** The parts of `GET /api/v1/agents/{uid}` the specs read. */
export interface AgentViewJson {
  readonly instanceUid: string;
  readonly connected: boolean;
  readonly transport: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly identifying: Readonly<Record<string, string>>;
  readonly capabilities: readonly string[];
  readonly health: { readonly healthy: boolean; readonly status: string; readonly lastError: string; readonly metrics: Readonly<Record<string, number>> } | null;
  readonly effectiveConfig: { readonly files: Readonly<Record<string, { readonly body: string }>> } | null;
  readonly remoteConfig: {
    readonly targetHash: string | null;
    readonly reportedHash: string | null;
    readonly status: string | null;
    readonly errorMessage: string | null;
  };
}

/** A running all-in-one server. */
export interface TestServer {
  readonly app: AppProcess;
  readonly token: string;
  readonly dataDir: string;
  /** ws://…/v1/opamp */
  readonly wsUrl: string;
  /** http://…/v1/opamp */
  readonly httpUrl: string;
  /** PEM of the server's config-signing public key. */
  signingPublicKeyPem(): Promise<string>;
  getAgent(uid: string): Promise<AgentViewJson | undefined>;
  /** Polls the agent view until `test` holds. */
  waitForAgent(uid: string, test: (a: AgentViewJson) => boolean, description: string, timeoutMs?: number): Promise<AgentViewJson>;
  /** `POST /api/v1/configs` (YAML body); returns the config hash. */
  postConfig(target: string, yaml: string): Promise<string>;
  /** Stops the process (SIGTERM); the data dir stays for a restart. */
  stop(): Promise<void>;
  /** Stops the process and removes the data dir. */
  dispose(): Promise<void>;
}

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  /** Reuse a data dir (and token) to restart a stopped server with its state. */
  readonly dataDir?: string;
  readonly token?: string;
  /** Fixed OpAMP port (default 0: any). */
  readonly opampPort?: number;
}

/** Starts the all-in-one server and waits for its `ready` line. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const token = options.token ?? `agent-spec-${randomBytes(12).toString('hex')}`;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'shepherd-agent-spec-')));
  const app = startAppProcess({
    main: ALL_IN_ONE,
    name: 'all-in-one',
    env: loopbackAppEnv({ token, dataDir, opampPort: options.opampPort, shutdownTimeoutMs: 5_000 }),
  });
  await app.waitForLog('ready', READY_TIMEOUT_MS);
  const api = app.url('api');
  const auth = { authorization: `Bearer ${token}` };
  const getAgent = async (uid: string): Promise<AgentViewJson | undefined> => {
    const res = await fetch(`${api}/api/v1/agents/${uid}`, { headers: auth });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`GET agent ${uid}: ${res.status} ${await res.text()}`);
    return (await res.json()) as AgentViewJson;
  };
  const stop = async (): Promise<void> => {
    await app.stop(10_000);
  };
  return {
    app,
    token,
    dataDir,
    wsUrl: app.url('opampWs'),
    httpUrl: app.url('opamp'),
    async signingPublicKeyPem() {
      const res = await fetch(`${api}/api/v1/config-signing-key`, { headers: auth });
      if (res.status !== 200) throw new Error(`GET config-signing-key: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { publicKeyPem: string }).publicKeyPem;
    },
    getAgent,
    async waitForAgent(uid, test, description, timeoutMs = 20_000) {
      let last: AgentViewJson | undefined;
      try {
        return await waitFor(
          async () => {
            last = await getAgent(uid);
            return last !== undefined && test(last) ? last : undefined;
          },
          { timeoutMs, intervalMs: 100, description },
        );
      } catch (err) {
        throw new Error(`${(err as Error).message}; last view: ${JSON.stringify(last)}`, { cause: err });
      }
    },
    async postConfig(target, yaml) {
      const res = await fetch(`${api}/api/v1/configs?target=${encodeURIComponent(target)}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/yaml' },
        body: yaml,
      });
      if (res.status !== 201) throw new Error(`POST config: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { configHash: string }).configHash;
    },
    stop,
    async dispose() {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
