/** What one request to the collector's health endpoint showed. */
export interface HealthObservation {
  /** The endpoint answered 2xx. */
  readonly healthy: boolean;
  /** The body's `status`, else `HTTP <code>`, else why the request failed. */
  readonly status: string;
  /** Why the probe counts as unhealthy (request error or non-2xx answer); '' when healthy. */
  readonly error: string;
  /**
   * Fields a collector may add to its health body (the Shepherd fake collector does): the sha256
   * of the config file it runs, how many reloads it handled, and the error of the last one.
   */
  readonly configSha256?: string;
  readonly reloads?: number;
  readonly lastError?: string;
}

/** Health bodies are tiny; anything larger is not parsed. */
const MAX_BODY_CHARS = 64 * 1024;

/** Asks the health endpoint once; never throws (a failed request is an unhealthy observation). */
export async function probeHealth(url: string, timeoutMs: number): Promise<HealthObservation> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    text = await response.text();
  } catch (err) {
    const message = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : errorMessage(err);
    return { healthy: false, status: 'unreachable', error: `health endpoint ${url}: ${message}` };
  }
  const body = parseBody(text);
  const healthy = response.ok;
  const status = typeof body['status'] === 'string' ? body['status'] : `HTTP ${response.status}`;
  return {
    healthy,
    status,
    error: healthy ? '' : `health endpoint ${url} answered ${response.status} (${status})`,
    ...(typeof body['configSha256'] === 'string' ? { configSha256: body['configSha256'] } : {}),
    ...(typeof body['reloads'] === 'number' ? { reloads: body['reloads'] } : {}),
    ...(typeof body['lastError'] === 'string' ? { lastError: body['lastError'] } : {}),
  };
}

function parseBody(text: string): Record<string, unknown> {
  if (text.length > MAX_BODY_CHARS) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fetch reports "fetch failed" and puts the useful part (ECONNREFUSED...) in the cause.
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
