// Shared fixtures of the sync tests: a served test repository, a recording config port, a logger.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitopsConfigInput, GitopsConfigPort, GitopsDeactivateInput } from './config-port.js';
import { startGitHttpServer, type GitHttpServer } from './git-http-server.test-helpers.js';
import type { GitopsLogger } from './gitops-logger.js';
import { createTestRepository, type TestRepository } from './test-repository.test-helpers.js';

export const COLLECTOR = 'receivers:\n  otlp: {}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n    logs: {receivers: [otlp], exporters: [debug]}\n';

/** The files of one valid config directory under `configs/`. */
export function configDir(name: string, selector: string, body = COLLECTOR, extra = ''): Record<string, string> {
  return {
    [`configs/${name}/shepherd.yaml`]: `selector: "${selector}"\n${extra}`,
    [`configs/${name}/collector.yaml`]: body,
  };
}

/** A config port that records what it is asked and can be told to fail. */
export class RecordingPort implements GitopsConfigPort {
  readonly creates: GitopsConfigInput[] = [];
  readonly deactivations: GitopsDeactivateInput[] = [];
  /** Thrown (once per call) by createConfig while set. */
  failCreate: Error | undefined;

  async createConfig(input: GitopsConfigInput): Promise<{ configHash: string }> {
    if (this.failCreate !== undefined) throw this.failCreate;
    this.creates.push(input);
    return { configHash: createHash('sha256').update(JSON.stringify(input.files)).digest('hex') };
  }

  async deactivateTarget(input: GitopsDeactivateInput): Promise<unknown> {
    this.deactivations.push(input);
    return { deactivated: 1 };
  }

  /** Directories created, in order. */
  createdPaths(): string[] {
    return this.creates.map((c) => c.origin.path);
  }
}

/** A logger that keeps every record. */
export function recordingLogger(): GitopsLogger & { readonly records: { level: string; msg: string; obj: Record<string, unknown> }[] } {
  const records: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => void records.push({ level, msg, obj });
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A test repository served over smart HTTP, a data directory and a token file. */
export interface GitFixture {
  readonly repo: TestRepository;
  readonly server: GitHttpServer;
  readonly url: string;
  readonly dataDir: string;
  readonly tokenFile: string;
  cleanup(): Promise<void>;
}

/** Starts a fixture; with `token`, the server needs it and the token file holds it. */
export async function startGitFixture(token?: string): Promise<GitFixture> {
  const repo = await createTestRepository();
  const server = await startGitHttpServer({ root: repo.root, ...(token === undefined ? {} : { token }) });
  const dataDir = await mkdtemp(join(tmpdir(), 'shepherd-gitops-data-'));
  const tokenFile = join(dataDir, 'token');
  await writeFile(tokenFile, `${token ?? 'unused'}\n`);
  return {
    repo,
    server,
    url: server.url('origin.git'),
    dataDir,
    tokenFile,
    async cleanup() {
      await server.stop();
      await repo.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
