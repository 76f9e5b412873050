import { nanos } from '@nats-io/nats-core';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  ReplayPolicy,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
  type StreamUpdateConfig,
} from '@nats-io/jetstream';
import type { ResolvedConsumeOptions } from '../consume-options.js';
import { ConsumerConflictError } from '../errors.js';
import type { ResolvedStreamDefinition } from '../stream-definition.js';
import { isApiError } from './nats-errors.js';

const STREAM_NAME_IN_USE = 10058;

/**
 * Creates the stream (file storage, limits retention, discard old) or
 * updates its subjects and limits. Safe to race with another process doing
 * the same.
 */
export async function ensureNatsStream(jsm: JetStreamManager, def: ResolvedStreamDefinition): Promise<void> {
  const config: Partial<StreamUpdateConfig> = {
    subjects: [...def.subjects],
    max_age: nanos(def.maxAgeMs),
    max_msgs: def.maxMsgs,
    max_bytes: def.maxBytes,
    duplicate_window: nanos(def.duplicateWindowMs),
    discard: DiscardPolicy.Old,
  };
  if (await streamExists(jsm, def.name)) {
    await jsm.streams.update(def.name, config);
    return;
  }
  try {
    await jsm.streams.add({ name: def.name, retention: RetentionPolicy.Limits, storage: StorageType.File, num_replicas: 1, ...config });
  } catch (err) {
    // another process created it first with other limits: converge by updating
    if (!isApiError(err, STREAM_NAME_IN_USE)) throw err;
    await jsm.streams.update(def.name, config);
  }
}

/**
 * Creates the durable pull consumer (explicit ack) or brings an existing one
 * to the requested ack wait, max deliver and max ack pending. The filter and
 * deliver policy of an existing durable are kept; a different filter is a
 * conflict.
 * @throws ConsumerConflictError
 */
export async function ensureNatsConsumer(jsm: JetStreamManager, opts: ResolvedConsumeOptions): Promise<void> {
  const existing = await consumerInfo(jsm, opts);
  if (existing === undefined) {
    await jsm.consumers.add(opts.stream, desiredConsumer(opts));
    return;
  }
  const cfg = existing.config;
  const filter = cfg.filter_subject === '' ? undefined : cfg.filter_subject;
  if (filter !== opts.filterSubject || cfg.deliver_subject) {
    throw new ConsumerConflictError(
      `durable ${opts.durable} on stream ${opts.stream} already exists as ${cfg.deliver_subject ? 'a push consumer' : `filter '${filter ?? '(all)'}'`}, not '${opts.filterSubject ?? '(all)'}'`,
    );
  }
  const ackWait = nanos(opts.ackWaitMs);
  if (cfg.ack_wait !== ackWait || cfg.max_deliver !== opts.maxDeliver || cfg.max_ack_pending !== opts.maxAckPending) {
    await jsm.consumers.update(opts.stream, opts.durable, {
      ack_wait: ackWait,
      max_deliver: opts.maxDeliver,
      max_ack_pending: opts.maxAckPending,
    });
  }
}

function desiredConsumer(opts: ResolvedConsumeOptions): Partial<ConsumerConfig> {
  return {
    durable_name: opts.durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(opts.ackWaitMs),
    max_deliver: opts.maxDeliver,
    max_ack_pending: opts.maxAckPending,
    deliver_policy: opts.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    ...(opts.filterSubject === undefined ? {} : { filter_subject: opts.filterSubject }),
  };
}

async function streamExists(jsm: JetStreamManager, name: string): Promise<boolean> {
  try {
    await jsm.streams.info(name);
    return true;
  } catch (err) {
    if (isApiError(err, JetStreamApiCodes.StreamNotFound)) return false;
    throw err;
  }
}

async function consumerInfo(jsm: JetStreamManager, opts: ResolvedConsumeOptions): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(opts.stream, opts.durable);
  } catch (err) {
    if (isApiError(err, JetStreamApiCodes.ConsumerNotFound)) return undefined;
    throw err;
  }
}
