import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { testEngines } from '@shepherd/testing';

/**
 * A separate admin connection for test set-up and clean-up, so streams can
 * be removed even after the bus under test was closed.
 */
export class NatsTestAdmin {
  #nc: NatsConnection | undefined;
  #jsm: JetStreamManager | undefined;

  async jsm(): Promise<JetStreamManager> {
    if (this.#jsm === undefined) {
      try {
        this.#nc = await connect({ servers: testEngines.natsUrl, name: 'bus-tests-admin', timeout: 2_000 });
      } catch (err) {
        throw new Error(`NATS tests need a JetStream server at ${testEngines.natsUrl} (set TEST_NATS_URL)`, { cause: err });
      }
      this.#jsm = await jetstreamManager(this.#nc);
    }
    return this.#jsm;
  }

  /** Deletes every stream (and with it its consumers) whose name contains `marker`. */
  async deleteStreams(marker: string): Promise<void> {
    const jsm = await this.jsm();
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (name.includes(marker)) names.push(name);
    await Promise.all(names.map((name) => jsm.streams.delete(name)));
  }

  async streamNames(marker: string): Promise<string[]> {
    const jsm = await this.jsm();
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (name.includes(marker)) names.push(name);
    return names;
  }

  async close(): Promise<void> {
    await this.#nc?.close();
    this.#nc = undefined;
    this.#jsm = undefined;
  }
}
