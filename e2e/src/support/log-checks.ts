import type { AppLogRecord, AppProcess } from '@shepherd/testing';

const SEVERE = new Set(['error', 'fatal', 50, 60]);

/**
 * The error and fatal records an app logged, as short text: a scenario that
 * passes while a process logged an error hides a bug, so every scenario
 * expects this to be empty.
 */
export function severeLogs(...apps: AppProcess[]): string[] {
  return apps.flatMap((app) =>
    app.logs.filter((r: AppLogRecord) => SEVERE.has(r['level'] as string | number)).map((r) => `${app.name}: ${JSON.stringify(r).slice(0, 600)}`),
  );
}
