/** One line an app wrote to stdout: the parsed pino JSON object, or `{ raw }` for anything else. */
export interface AppLogRecord {
  readonly msg?: string;
  /** The line as written, when it was not a JSON object. */
  readonly raw?: string;
  readonly [key: string]: unknown;
}

/** Addresses an app announced in its log lines (wildcard hosts replaced by 127.0.0.1). */
export interface AppUrls {
  /** OpAMP endpoint over plain HTTP (`OpAMP gateway listening`). */
  readonly opamp?: string;
  /** The same endpoint as a `ws://` URL. */
  readonly opampWs?: string;
  /** Base URL of the REST API, without `/api` (`REST API listening`). */
  readonly api?: string;
  /** Base URL of the admin listener (`ready` → adminUrl). */
  readonly admin?: string;
}

/** Parses one stdout line; never throws. */
export function parseLogLine(line: string): AppLogRecord {
  const text = line.trim();
  if (text.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(text);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as AppLogRecord;
    } catch {
      // Not JSON after all: kept as raw text below.
    }
  }
  return { raw: line };
}

/** Rewrites a wildcard listen address (0.0.0.0, ::) so a client on this host can connect. */
function reachable(url: string): string {
  const parsed = new URL(url);
  if (parsed.hostname === '0.0.0.0' || parsed.hostname === '[::]') parsed.hostname = '127.0.0.1';
  // URL keeps a trailing slash on a bare origin; callers append paths themselves.
  return parsed.pathname === '/' ? parsed.origin : parsed.toString();
}

function stringField(record: AppLogRecord, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The URLs announced so far; a later announcement (e.g. after a restart in the
 * same log) replaces an earlier one.
 */
export function urlsFromLogs(records: Iterable<AppLogRecord>): AppUrls {
  let opamp: string | undefined;
  let api: string | undefined;
  let admin: string | undefined;
  for (const record of records) {
    if (record.msg === 'OpAMP gateway listening') opamp = stringField(record, 'url') ?? opamp;
    else if (record.msg === 'REST API listening') api = stringField(record, 'url') ?? api;
    else if (record.msg === 'ready') admin = stringField(record, 'adminUrl') ?? admin;
  }
  const urls: { -readonly [K in keyof AppUrls]: AppUrls[K] } = {};
  if (opamp !== undefined) {
    urls.opamp = reachable(opamp);
    urls.opampWs = urls.opamp.replace(/^http/, 'ws');
  }
  if (api !== undefined) urls.api = reachable(api);
  if (admin !== undefined) urls.admin = reachable(admin);
  return Object.freeze(urls);
}
