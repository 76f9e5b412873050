import type { ConfigProblem } from '@shepherd/config-validation';
import { isShepherdError, responseFor } from '@shepherd/errors';
import type { ErrorDetails } from './errors.js';

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetails; problems?: readonly ConfigProblem[] };
}

/** A client fixing a config needs every problem, but a body stays bounded. */
const MAX_PROBLEMS = 100;

function problemsOf(err: object): readonly ConfigProblem[] | undefined {
  const problems = (err as { problems?: unknown }).problems;
  if (!Array.isArray(problems) || problems.length === 0) return undefined;
  return problems.slice(0, MAX_PROBLEMS).map((p: ConfigProblem) => ({
    file: String(p.file),
    ...(typeof p.line === 'number' ? { line: p.line } : {}),
    ...(typeof p.column === 'number' ? { column: p.column } : {}),
    ...(typeof p.path === 'string' ? { path: p.path } : {}),
    code: String(p.code),
    message: String(p.message),
  }));
}

/** How one thrown value is answered. */
export interface ErrorReply {
  readonly status: number;
  readonly body: ErrorBody;
  /** True for 5xx: the caller logs the original error, which the body does not show. */
  readonly serverFault: boolean;
}

/** The parts of an Ajv error that fastify hands over in `error.validation`. */
interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
}

/** What fastify's own errors carry (validation, body limit, content type, JSON syntax). */
interface FrameworkError {
  statusCode?: number;
  code?: string;
  message?: string;
  validation?: ValidationIssue[];
  validationContext?: string;
}

const SERVER_FAULT_MESSAGES: Readonly<Partial<Record<string, string>>> = {
  unavailable: 'a backend is unavailable; retry later',
  deadline_exceeded: 'a backend did not answer in time; retry later',
};

const PART_NAMES: Readonly<Record<string, string>> = { querystring: 'query string', params: 'path', body: 'body' };

function detailsOf(err: object): ErrorDetails | undefined {
  const details = (err as { details?: unknown }).details;
  if (details === null || typeof details !== 'object' || Array.isArray(details)) return undefined;
  const safe: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(details)) {
    if (typeof value === 'string' || typeof value === 'number') safe[key] = value;
  }
  return Object.keys(safe).length > 0 ? safe : undefined;
}

function validationReply(err: FrameworkError): ErrorReply {
  const issue = err.validation?.[0] ?? {};
  const location = err.validationContext ?? 'body';
  const where = PART_NAMES[location] ?? location;
  const path = (issue.instancePath ?? '').split('/').filter(Boolean);
  const child = issue.params?.missingProperty ?? issue.params?.additionalProperty;
  if (child !== undefined) path.push(child);
  const field = path.join('.');
  let message: string;
  if (issue.keyword === 'required') message = `'${field}' is required in the ${where}`;
  else if (issue.keyword === 'additionalProperties') message = `'${field}' is not an accepted field of the ${where}`;
  else if (field === '') message = `the ${where} ${issue.message ?? 'is invalid'}`;
  else message = `'${field}' in the ${where} ${issue.message ?? 'is invalid'}`;
  const details: Record<string, string> = { location };
  if (field !== '') details['field'] = field;
  return { status: 400, body: { error: { code: 'INVALID_REQUEST', message, details } }, serverFault: false };
}

function frameworkReply(err: FrameworkError, status: number): ErrorReply {
  if (status === 413) {
    return reply(413, 'PAYLOAD_TOO_LARGE', 'the request body is larger than this server accepts');
  }
  if (status === 415) {
    return reply(415, 'UNSUPPORTED_MEDIA_TYPE', 'send application/json, or YAML (application/yaml, text/yaml)');
  }
  // Fastify's 4xx messages describe the request (bad JSON, empty body), never the server.
  return reply(status, 'INVALID_REQUEST', err.message ?? 'the request is malformed');
}

function reply(status: number, code: string, message: string, details?: ErrorDetails): ErrorReply {
  const error = details === undefined ? { code, message } : { code, message, details };
  return { status, body: { error }, serverFault: status >= 500 };
}

/**
 * Maps any thrown value to an HTTP answer: a ShepherdError by its kind
 * (`responseFor`) with its code, message and details; fastify validation
 * errors to 400 `INVALID_REQUEST` naming the field; fastify's 413/415/4xx to
 * `PAYLOAD_TOO_LARGE` / `UNSUPPORTED_MEDIA_TYPE` / `INVALID_REQUEST`; anything
 * else to 500 `INTERNAL`. A 5xx body never reveals internals: no stack, no
 * cause, and a generic message (the code is kept).
 */
export function errorReply(err: unknown): ErrorReply {
  if (isShepherdError(err)) {
    const { http: status, code, kind } = responseFor(err);
    // Server-side messages may name hosts or internals; the log has them, the client gets the code.
    if (status >= 500) return reply(status, code, SERVER_FAULT_MESSAGES[kind] ?? 'internal error');
    const answer = reply(status, code, err.message, detailsOf(err));
    const problems = problemsOf(err);
    if (problems !== undefined) answer.body.error.problems = problems;
    return answer;
  }
  if (err !== null && typeof err === 'object') {
    const framework = err as FrameworkError;
    if (Array.isArray(framework.validation)) return validationReply(framework);
    const status = framework.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) return frameworkReply(framework, status);
  }
  return reply(500, 'INTERNAL', 'internal error');
}
