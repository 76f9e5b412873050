import { afterEach, beforeEach } from 'vitest';
import { waitFor } from '@shepherd/testing';
import type { BusMessage, EventBus, StreamDefinition } from './event-bus.js';

/** What an adapter's spec hands the contract: a fresh bus with its own subject prefix. */
export interface ContractBus {
  readonly bus: EventBus;
  /** A random first subject token, also the start of every stream name the test creates. */
  readonly prefix: string;
  /** Closes the bus (if still open) and deletes every stream whose name contains `prefix`. */
  cleanup(): Promise<void>;
}

/** Options a contract test may ask the factory for. */
export interface ContractBusOptions {
  readonly maxPendingPublishes?: number;
}

/** Builds one {@link ContractBus}; called once per test. */
export type ContractBusFactory = (options?: ContractBusOptions) => Promise<ContractBus>;

/** Per-test access to the bus under test. */
export interface ContractEnv {
  readonly bus: EventBus;
  readonly prefix: string;
  /** `<prefix>.<tokens...>` */
  subject(...tokens: string[]): string;
  /** A stream name unique to this test. */
  streamName(suffix: string): string;
  /** Ensures a stream `<prefix>_<suffix>` over `<prefix>.<suffix>.>` and returns its definition. */
  stream(suffix: string, extra?: Partial<StreamDefinition>): Promise<StreamDefinition>;
  /** Another bus from the factory, cleaned up after the test. */
  open(options: ContractBusOptions): Promise<ContractBus>;
}

/** Registers beforeEach/afterEach hooks that give each test a fresh bus. */
export function useContractEnv(factory: ContractBusFactory): ContractEnv {
  let current: ContractBus | undefined;
  let extra: ContractBus[] = [];
  beforeEach(async () => {
    current = await factory();
  });
  afterEach(async () => {
    const all = [current, ...extra].filter((c): c is ContractBus => c !== undefined);
    current = undefined;
    extra = [];
    await Promise.all(all.map((c) => c.cleanup()));
  });
  const ctx = (): ContractBus => {
    if (current === undefined) throw new Error('contract bus used outside a test');
    return current;
  };
  return {
    get bus() {
      return ctx().bus;
    },
    get prefix() {
      return ctx().prefix;
    },
    subject: (...tokens) => [ctx().prefix, ...tokens].join('.'),
    streamName: (suffix) => `${ctx().prefix}_${suffix}`,
    async stream(suffix, more = {}) {
      const def: StreamDefinition = { name: `${ctx().prefix}_${suffix}`, subjects: [`${ctx().prefix}.${suffix}.>`], ...more };
      await ctx().bus.ensureStream(def);
      return def;
    },
    async open(options) {
      const bus = await factory(options);
      extra.push(bus);
      return bus;
    },
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const bytes = (s: string): Uint8Array => encoder.encode(s);
export const text = (b: Uint8Array): string => decoder.decode(b);

/** Records messages a handler saw, and waits for them. */
export class Inbox {
  readonly messages: BusMessage[] = [];

  /** Records and returns (acks). */
  readonly record = async (msg: BusMessage): Promise<void> => {
    this.messages.push(msg);
  };

  texts(): string[] {
    return this.messages.map((m) => text(m.data));
  }

  async waitForCount(n: number, description: string, timeoutMs = 10_000): Promise<BusMessage[]> {
    return waitFor(() => this.messages.length >= n && this.messages, { timeoutMs, description: `${description} (${n} messages)` });
  }
}

/** A promise with its resolver exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Waits `ms`. Only for proving that something does NOT happen within a bound. */
export function quietPeriod(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The error a promise rejects with (fails if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection, got a value');
}

/** The error a synchronous call throws (fails if it returns). */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw, got a value');
}
