import { stat, rm } from 'node:fs/promises';
import { connectNatsBus, createTopology, type EventBus } from '@shepherd/bus';
import { connectPostgres, type SqlStore } from '@shepherd/store';
import { testEngines } from '@shepherd/testing';
import { Redis } from 'ioredis';

/** Something of a run that is still there after its cleanup. */
export interface Leftover {
  /** e.g. `NATS stream`, `Redis keys`, `PostgreSQL schema`, `directory`. */
  readonly kind: string;
  readonly name: string;
  /** What it holds, e.g. `95000 messages`. */
  readonly detail: string;
}

/** One kind of resource of a run: how to find what is left of it and delete that. */
export interface LeftoverCheck {
  /** For messages, e.g. `NATS streams of scale_ab12`. */
  readonly what: string;
  find(): Promise<Leftover[]>;
  remove(found: readonly Leftover[]): Promise<void>;
}

/** Error of {@link verifyNothingLeft}: every line names a leftover or a check that could not run. */
export class LeftoverError extends Error {
  override readonly name = 'LeftoverError';
  readonly code = 'BENCH_LEFTOVERS';
  constructor(readonly lines: readonly string[]) {
    super(lines.join('; '));
  }
}

const describe = (found: readonly Leftover[]): string => found.map((l) => `${l.kind} ${l.name} (${l.detail})`).join(', ');
const why = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Runs every check independently (an engine that cannot be reached fails only its own check).
 * Whatever a check finds is announced through `warn`, deleted once more, and looked for again;
 * resolves when nothing is left.
 * @throws {LeftoverError} naming what is still there after the retry, and every check or
 *   deletion that failed.
 */
export async function verifyNothingLeft(checks: readonly LeftoverCheck[], warn: (line: string) => void): Promise<void> {
  const failures: string[] = [];
  for (const check of checks) {
    try {
      const found = await check.find();
      if (found.length === 0) continue;
      warn(`still there after the cleanup steps: ${describe(found)}; deleting again`);
      await check.remove(found).catch((err: unknown) => failures.push(`deleting the ${check.what} again failed: ${why(err)}`));
      const left = await check.find();
      if (left.length > 0) failures.push(`left behind: ${describe(left)}`);
      else warn(`deleted on the second attempt: ${describe(found)}`);
    } catch (err) {
      failures.push(`could not check the ${check.what}: ${why(err)}`);
    }
  }
  if (failures.length > 0) throw new LeftoverError(failures);
}

/** The `streams` of a `$JS.API.STREAM.NAMES` answer. @throws Error for an error answer. */
export function parseStreamNames(reply: unknown): string[] {
  const r = jsApiAnswer(reply, 'STREAM.NAMES');
  const streams = r['streams'];
  if (streams === null || streams === undefined) return [];
  if (!Array.isArray(streams) || streams.some((s) => typeof s !== 'string')) throw new Error(`STREAM.NAMES answered without a list of names: ${JSON.stringify(reply)}`);
  return streams as string[];
}

/** Messages of a `$JS.API.STREAM.INFO` answer; undefined when the stream does not exist. @throws Error for another error answer. */
export function parseStreamInfo(reply: unknown): { messages: number } | undefined {
  if (isNotFound(reply)) return undefined;
  const r = jsApiAnswer(reply, 'STREAM.INFO');
  const messages = (r['state'] as { messages?: unknown } | undefined)?.messages;
  return { messages: typeof messages === 'number' ? messages : Number.NaN };
}

/** Checks a `$JS.API.STREAM.DELETE` answer: success or not found. @throws Error otherwise. */
export function checkStreamDeleted(reply: unknown, stream: string): void {
  if (isNotFound(reply)) return;
  const r = jsApiAnswer(reply, `STREAM.DELETE ${stream}`);
  if (r['success'] !== true) throw new Error(`STREAM.DELETE ${stream} did not report success: ${JSON.stringify(reply)}`);
}

function isNotFound(reply: unknown): boolean {
  const error = (reply as { error?: { code?: unknown } } | null)?.error;
  return error?.code === 404;
}

function jsApiAnswer(reply: unknown, what: string): Record<string, unknown> {
  if (reply === null || typeof reply !== 'object') throw new Error(`${what} answered ${JSON.stringify(reply)}`);
  const error = (reply as { error?: { code?: unknown; description?: unknown } }).error;
  if (error !== undefined) throw new Error(`${what} failed: ${String(error.description)} (code ${String(error.code)})`);
  return reply as Record<string, unknown>;
}

/** What a run on the real engines created, by name. */
export interface RunResources {
  /** The run's `uniqueName`: schema, bus subject prefix. */
  readonly name: string;
  /** Its Redis key prefix, e.g. `<name>:`. */
  readonly keyPrefix: string;
  readonly dataDir?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SCAN_COUNT = 1_000;

/**
 * The checks of one run on `testEngines`: its streams (by name and by the subjects they
 * capture), its Redis keys, its schema and its data directory. Each opens its own connection
 * when first used; `close` closes them.
 * @throws Error when `run.name` is not a plain lower-case identifier (it names the schema)
 */
export function realEngineChecks(run: RunResources): { checks: LeftoverCheck[]; close: () => Promise<void> } {
  const closers: (() => Promise<unknown>)[] = [];
  const lazy = <T>(open: () => Promise<T>, close: (t: T) => Promise<unknown>): (() => Promise<T>) => {
    let opened: Promise<T> | undefined;
    return () => (opened ??= open().then((t) => (closers.push(() => close(t)), t)));
  };
  const bus = lazy(() => connectNatsBus({ servers: testEngines.natsUrl, name: `${run.name}-leftover-check` }), (b) => b.close());
  const redis = lazy(async () => {
    const r = new Redis(testEngines.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    await r.connect();
    return r;
  }, (r) => r.quit());
  const store = lazy(() => connectPostgres({ url: testEngines.databaseUrl, poolSize: 1 }), (s) => s.close());
  const checks = [streamCheck(run.name, bus), keyCheck(run.keyPrefix, redis), schemaCheck(run.name, store)];
  if (run.dataDir !== undefined) checks.push(directoryCheck(run.dataDir));
  return { checks, close: async () => void (await Promise.allSettled(closers.map((c) => c()))) };
}

async function jsApi(bus: EventBus, subject: string, body: object | string = ''): Promise<unknown> {
  const data = encoder.encode(typeof body === 'string' ? body : JSON.stringify(body));
  return JSON.parse(decoder.decode(await bus.request(`$JS.API.${subject}`, data, { timeoutMs: 10_000 }))) as unknown;
}

function streamCheck(prefix: string, bus: () => Promise<EventBus>): LeftoverCheck {
  const expected = Object.values(createTopology({ prefix }).streams).map((s) => s.name);
  return {
    what: `NATS streams of ${prefix}`,
    async find() {
      const b = await bus();
      // By the subjects they capture too: a stream of this run under another name is a leftover as well.
      const names = new Set([...expected, ...parseStreamNames(await jsApi(b, 'STREAM.NAMES', { offset: 0, subject: `${prefix}.>` }))]);
      const found: Leftover[] = [];
      for (const name of names) {
        const info = parseStreamInfo(await jsApi(b, `STREAM.INFO.${name}`));
        if (info !== undefined) found.push({ kind: 'NATS stream', name, detail: `${info.messages} messages` });
      }
      return found;
    },
    async remove(found) {
      const b = await bus();
      for (const l of found) checkStreamDeleted(await jsApi(b, `STREAM.DELETE.${l.name}`), l.name);
    },
  };
}

function keyCheck(keyPrefix: string, redis: () => Promise<Redis>): LeftoverCheck {
  const scan = async (each: (keys: string[]) => Promise<unknown>): Promise<void> => {
    const r = await redis();
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', SCAN_COUNT);
      if (keys.length > 0) await each(keys);
      cursor = next;
    } while (cursor !== '0');
  };
  return {
    what: `Redis keys ${keyPrefix}*`,
    async find() {
      const keys: string[] = [];
      await scan(async (batch) => keys.push(...batch));
      if (keys.length === 0) return [];
      const shown = keys.slice(0, 3).join(', ') + (keys.length > 3 ? ', …' : '');
      return [{ kind: 'Redis keys', name: `${keyPrefix}*`, detail: `${keys.length} key(s): ${shown}` }];
    },
    async remove() {
      const r = await redis();
      await scan((keys) => r.unlink(...keys));
    },
  };
}

function schemaCheck(schema: string, store: () => Promise<SqlStore>): LeftoverCheck {
  // uniqueName gives a plain lower-case identifier; anything else is refused rather than quoted.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`refusing to check schema ${JSON.stringify(schema)}: not a plain lower-case identifier`);
  return {
    what: `PostgreSQL schema ${schema}`,
    async find() {
      const s = await store();
      const { rows } = await s.query<{ tables: string }>('SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = $1) AS tables FROM pg_namespace WHERE nspname = $1', [schema]);
      return rows.length === 0 ? [] : [{ kind: 'PostgreSQL schema', name: schema, detail: `${rows[0]!.tables} table(s)` }];
    },
    async remove() {
      await (await store()).query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
}

/** The check of a temporary directory of a run. */
export function directoryCheck(dir: string): LeftoverCheck {
  return {
    what: `directory ${dir}`,
    async find() {
      const exists = await stat(dir).then(
        () => true,
        (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? false : Promise.reject(err)),
      );
      return exists ? [{ kind: 'directory', name: dir, detail: 'exists' }] : [];
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Verifies (see {@link verifyNothingLeft}) that nothing of `run` is left on the engines or on
 * disk, with connections of its own (the run's are closed by then); `warn` defaults to a
 * `cleanup: ...` line on stderr.
 * @throws {LeftoverError}
 */
export async function verifyRunRemoved(run: RunResources, warn = (line: string): void => void process.stderr.write(`cleanup: ${line}\n`)): Promise<void> {
  const { checks, close } = realEngineChecks(run);
  try {
    await verifyNothingLeft(checks, warn);
  } finally {
    await close();
  }
}
