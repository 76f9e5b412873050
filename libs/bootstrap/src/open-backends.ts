import type { BlobStore } from '@shepherd/blob';
import { openBlobStore } from '@shepherd/blob';
import type { EventBus } from '@shepherd/bus';
import { ensureTopology, openBus, type Topology } from '@shepherd/bus';
import type { OwnershipStore } from '@shepherd/ownership';
import { openOwnership } from '@shepherd/ownership';
import type { Logger } from '@shepherd/runtime';
import type { SqlStore } from '@shepherd/store';
import { openStore } from '@shepherd/store';

/** The four backend ports an app may ask for. */
export interface Backends {
  bus: EventBus;
  ownership: OwnershipStore;
  store: SqlStore;
  blobs: BlobStore;
}

export type BackendName = keyof Backends;

/** Where each backend lives; an unset URL selects the embedded adapter. */
export interface BackendSettings {
  serviceName: string;
  dataDir: string;
  natsUrl?: string | undefined;
  redisUrl?: string | undefined;
  databaseUrl?: string | undefined;
  blobUrl?: string | undefined;
  /** Streams to create on the bus; the same catalogue the app's services use. */
  topology: Topology;
  redisKeyPrefix?: string | undefined;
  databaseSchema?: string | undefined;
  /** Most PostgreSQL connections (DATABASE_POOL_SIZE); ignored by PGlite. */
  databasePoolSize?: number | undefined;
}

/** Something opened that must be closed at shutdown, in reverse order of opening. */
export interface Opened<B extends BackendName> {
  backends: Pick<Backends, B>;
  closers: Array<{ name: string; close(): Promise<void> }>;
}

/**
 * Opens the requested backends, store first (it migrates), and proves each
 * one answers before returning. On any failure everything opened so far is
 * closed and the error is rethrown, so a half-started process never lingers.
 */
export async function openBackends<B extends BackendName>(
  wanted: readonly B[],
  settings: BackendSettings,
  logger: Logger,
): Promise<Opened<B>> {
  const backends: Partial<Backends> = {};
  const closers: Opened<B>['closers'] = [];
  const want = (name: BackendName): boolean => (wanted as readonly BackendName[]).includes(name);
  try {
    if (want('store')) {
      const store = await openStore({
        url: settings.databaseUrl,
        dataDir: settings.dataDir,
        schema: settings.databaseSchema,
        poolSize: settings.databasePoolSize,
      });
      closers.push({ name: 'store', close: () => store.close() });
      const { applied, current } = await store.migrate();
      logger.info({ dialect: store.dialect, applied, current }, 'store ready');
      backends.store = store;
    }
    if (want('bus')) {
      const bus = await openBus({ url: settings.natsUrl, name: settings.serviceName });
      closers.push({ name: 'bus', close: () => bus.close() });
      await ensureTopology(bus, settings.topology);
      logger.info({ embedded: settings.natsUrl === undefined }, 'bus ready');
      backends.bus = bus;
    }
    if (want('ownership')) {
      const ownership = await openOwnership({ url: settings.redisUrl, keyPrefix: settings.redisKeyPrefix });
      closers.push({ name: 'ownership', close: () => ownership.close() });
      logger.info({ embedded: settings.redisUrl === undefined }, 'ownership store ready');
      backends.ownership = ownership;
    }
    if (want('blobs')) {
      const blobs = await openBlobStore({ url: settings.blobUrl, dataDir: settings.dataDir });
      logger.info({ embedded: settings.blobUrl === undefined }, 'blob store ready');
      backends.blobs = blobs;
    }
  } catch (err) {
    await closeAll(closers, logger);
    throw err;
  }
  return { backends: backends as Pick<Backends, B>, closers };
}

/** Closes in reverse order of opening; a failing close is logged, never thrown. */
export async function closeAll(closers: Opened<BackendName>['closers'], logger: Logger): Promise<void> {
  for (const closer of [...closers].reverse()) {
    try {
      await closer.close();
    } catch (err) {
      logger.warn({ err, backend: closer.name }, 'backend did not close cleanly');
    }
  }
}
