import { isShepherdError } from '@shepherd/errors';

/**
 * The one line printed when a process cannot start: the app name, what failed
 * and why, with the cause chain folded in. Stack traces go to the JSON log,
 * not here: an operator reading a crash loop needs the reason, not the frames.
 */
export function startupFailureLine(app: string, err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && depth < 4; depth++) {
    const text = current instanceof Error ? current.message : String(current);
    if (text && !parts.some((p) => p.includes(text))) parts.push(text);
    current = current instanceof Error ? current.cause : undefined;
  }
  const code = isShepherdError(err) ? ` [${err.code}]` : '';
  return `${app}: cannot start${code}: ${parts.join(': ').replace(/\s+/g, ' ')}`;
}
