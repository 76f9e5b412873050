import { describe, expect, it } from 'vitest';
import { RESERVED_FILE_DESCRIPTORS, connectionCapacity, readOpenFileLimit } from './connection-capacity.js';

describe('connectionCapacity', () => {
  it('keeps the configured maximum when the open-file limit leaves room for it', () => {
    expect(connectionCapacity(10_000, () => 65_536)).toEqual({ maxConnections: 10_000, openFileLimit: 65_536, limitedByOpenFiles: false });
  });

  it('lowers the maximum below the open-file limit, keeping descriptors for the clients and logs', () => {
    expect(connectionCapacity(100_000, () => 20_000)).toEqual({
      maxConnections: 20_000 - RESERVED_FILE_DESCRIPTORS,
      openFileLimit: 20_000,
      limitedByOpenFiles: true,
    });
    expect(connectionCapacity(100_000, () => 10).maxConnections).toBe(1);
  });

  it('keeps the configured maximum when the limit is unknown', () => {
    expect(connectionCapacity(5, () => undefined)).toEqual({ maxConnections: 5, limitedByOpenFiles: false });
  });

  it('reads this process’s soft limit on Linux', () => {
    const limit = readOpenFileLimit();
    if (process.platform === 'linux') expect(limit).toBeGreaterThan(RESERVED_FILE_DESCRIPTORS);
    else expect(limit).toBeUndefined();
  });
});
