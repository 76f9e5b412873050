import {
  AUDIT_PAGE,
  AUDIT_QUERY,
  EFFECTIVE_CONFIG_DIFF,
  FILE_DIFF,
  FLEET_SUMMARY,
  HASH_PATTERN,
  HISTORY,
  HISTORY_QUERY,
  LIST_VERSIONS_QUERY,
  VERSION_DETAIL,
  VERSION_INFO,
} from './config-query-schemas.js';
import { CONFIG_QUERY_PATHS } from './routes/config-queries.js';
import { UID_PATTERN } from './schemas.js';

type ErrorAnswer = (description: string) => object;

const json = (schema: object): object => ({ 'application/json': { schema } });
const hashParameter = (name: string): object => ({ name, in: 'path', required: true, schema: { type: 'string', pattern: HASH_PATTERN } });
const UID_PARAMETER = { name: 'uid', in: 'path', required: true, schema: { type: 'string', pattern: UID_PATTERN } };
const VERSION_NOT_FOUND = 'No such version in your tenant (code CONFIG_VERSION_NOT_FOUND).';

function queryParameters(schema: { properties: Record<string, object> }): object[] {
  return Object.entries(schema.properties).map(([name, s]) => ({ name, in: 'query', required: false, schema: s }));
}

function operation(operationId: string, summary: string, parameters: object[], ok: { description: string; schema: object }, errors: object): object {
  return { get: { operationId, summary, parameters, responses: { 200: { description: ok.description, content: json(ok.schema) }, ...errors } } };
}

/**
 * The OpenAPI path items of the read routes (`/api` prefix included). `errorAnswer` and
 * `commonErrors` are the document's shared error answers.
 */
export function configQueryPathItems(errorAnswer: ErrorAnswer, commonErrors: object): Record<string, object> {
  const notFound = (description: string): object => ({ 404: errorAnswer(description), ...commonErrors });
  const p = CONFIG_QUERY_PATHS;
  return {
    [`/api${p.versions}`]: operation(
      'listConfigVersions',
      'Config versions of your tenant, newest first: label, name, description, author, time, origin, file names and sizes.',
      queryParameters(LIST_VERSIONS_QUERY),
      { description: 'One page; `next` is absent on the last one.', schema: { type: 'object', properties: { versions: { type: 'array', items: VERSION_INFO }, next: { type: 'string' } } } },
      commonErrors,
    ),
    [`/api${p.version}`]: operation('getConfigVersion', 'One version with its files.', [hashParameter('hash')], { description: 'The version.', schema: VERSION_DETAIL }, notFound(VERSION_NOT_FOUND)),
    [`/api${p.summary}`]: operation(
      'getConfigVersionSummary',
      'Fleet summary of a version over the agents whose live target it is: applied, failed (grouped by message, with samples and their last good config), pending, offline.',
      [hashParameter('hash')],
      { description: 'The summary.', schema: FLEET_SUMMARY },
      notFound(VERSION_NOT_FOUND),
    ),
    [`/api${p.diff}`]: operation(
      'diffConfigVersions',
      'Unified text diff per file from one version to another (added, removed, changed files).',
      [hashParameter('from'), hashParameter('to')],
      {
        description: 'The files that differ, in name order.',
        schema: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, identical: { type: 'boolean' }, files: { type: 'array', items: FILE_DIFF } } },
      },
      notFound(VERSION_NOT_FOUND),
    ),
    [`/api${p.history}`]: operation(
      'getConfigHistory',
      'History of a target, newest first: the assignments of a selector, or of one agent (its pins and matching selector assignments) with the hashes it reported.',
      queryParameters(HISTORY_QUERY),
      { description: 'One page of assignments.', schema: HISTORY },
      notFound('No such agent in your tenant (code CONFIG_AGENT_NOT_FOUND).'),
    ),
    [`/api${p.agentDiff}`]: operation(
      'getAgentConfigDiff',
      "An agent's reported effective config against the files of its live target (desired) version, per file, with inSync.",
      [UID_PARAMETER],
      { description: 'The comparison.', schema: EFFECTIVE_CONFIG_DIFF },
      notFound('No such agent in your tenant (code CONFIG_AGENT_NOT_FOUND).'),
    ),
    [`/api${p.audit}`]: operation(
      'queryAudit',
      'The audit log of your tenant, newest first: who, when, what, before and after hashes; filtered by exact matches and a time window.',
      queryParameters(AUDIT_QUERY),
      { description: 'One page; `next` is absent on the last one.', schema: AUDIT_PAGE },
      commonErrors,
    ),
  };
}
