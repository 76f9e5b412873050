/**
 * JSON schemas of the read routes over config versions, histories, diffs, fleet summaries and
 * the audit log. Fastify validates requests with them and the OpenAPI document embeds the same
 * objects (response shapes only in the document), so the two cannot drift.
 */
import { UID_PATTERN } from './schemas.js';

/** A config hash: 64 hex characters, either case. */
export const HASH_PATTERN = '^[0-9a-fA-F]{64}$';
/** Default and bounds of `limit` on the read routes. */
export const QUERY_PAGE = { defaultLimit: 100, maxLimit: 1000 } as const;

const LIMIT = { type: 'integer', minimum: 1, maximum: QUERY_PAGE.maxLimit, default: QUERY_PAGE.defaultLimit } as const;
const AFTER = { type: 'string', minLength: 1, maxLength: 512, description: 'Cursor: `next` of the previous page.' } as const;
const TEXT = { type: 'string', minLength: 1, maxLength: 256 } as const;
const HASH = { type: 'string', pattern: HASH_PATTERN } as const;

/** `GET /api/v1/config-versions` query string. */
export const LIST_VERSIONS_QUERY = { type: 'object', properties: { limit: LIMIT, after: AFTER } } as const;

/** `GET /api/v1/config-history` query string: exactly one of `selector` and `agent`. */
export const HISTORY_QUERY = {
  type: 'object',
  properties: {
    selector: {
      type: 'string',
      minLength: 1,
      maxLength: 4096,
      description: 'Target selector: text like "env=prod,tier in (web,api)" or JSON {"matchLabels": {...}, "matchExpressions": [...]}.',
    },
    agent: { type: 'string', pattern: UID_PATTERN, description: 'Instance uid of one agent.' },
    limit: LIMIT,
    after: AFTER,
  },
} as const;

/** `GET /api/v1/audit` query string; every filter is an exact match. */
export const AUDIT_QUERY = {
  type: 'object',
  properties: {
    actor: { ...TEXT, description: 'Who made the change (authenticated subject).' },
    action: { ...TEXT, description: 'e.g. config.assign, config.rollback, config.emergency.set.' },
    subject: { ...TEXT, description: 'e.g. assignment:<id>.' },
    hash: { ...HASH, description: 'Entries whose before or after hash is this one.' },
    since: { type: 'string', maxLength: 64, description: 'ISO-8601, inclusive.' },
    until: { type: 'string', maxLength: 64, description: 'ISO-8601, exclusive.' },
    limit: LIMIT,
    after: AFTER,
  },
} as const;

/** `{hash}` path parameter. */
export const HASH_PARAMS = { type: 'object', required: ['hash'], properties: { hash: HASH } } as const;
/** `{from}` and `{to}` path parameters. */
export const DIFF_PARAMS = { type: 'object', required: ['from', 'to'], properties: { from: HASH, to: HASH } } as const;
/** `{uid}` path parameter. */
export const UID_PARAMS = { type: 'object', required: ['uid'], properties: { uid: { type: 'string', pattern: UID_PATTERN } } } as const;

const NULLABLE_STRING = { type: ['string', 'null'] } as const;
const DATE_TIME = { type: 'string', format: 'date-time' } as const;
const VERSION_FIELDS = {
  hash: { type: 'string' },
  label: { ...NULLABLE_STRING, description: 'The user-facing version label, e.g. v1.4.0.' },
  name: NULLABLE_STRING,
  description: NULLABLE_STRING,
  author: { type: 'string' },
  createdAt: DATE_TIME,
  origin: {
    type: 'object',
    required: ['type'],
    description: '{"type": "api"} or {"type": "git", "repository", "branch", "commit", "path"}.',
    properties: { type: { type: 'string' } },
  },
} as const;

/** A version in a listing: metadata and file names and sizes, no bodies. */
export const VERSION_INFO = {
  type: 'object',
  properties: {
    ...VERSION_FIELDS,
    files: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' }, contentType: { type: 'string' }, size: { type: 'integer' } } },
    },
  },
} as const;

/** A version with its files. */
export const VERSION_DETAIL = {
  type: 'object',
  properties: {
    ...VERSION_FIELDS,
    files: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          contentType: { type: 'string' },
          body: { type: 'string' },
          encoding: { enum: ['utf8', 'base64'] },
          size: { type: 'integer' },
        },
      },
    },
  },
} as const;

/** The difference of one file. */
export const FILE_DIFF = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    change: { enum: ['added', 'removed', 'changed'] },
    contentTypeBefore: NULLABLE_STRING,
    contentTypeAfter: NULLABLE_STRING,
    binary: { type: 'boolean' },
    patch: { ...NULLABLE_STRING, description: 'Unified diff; null for binary files and when tooLarge.' },
    tooLarge: { type: 'boolean', description: 'The bodies differ in too many lines for a patch.' },
  },
} as const;

const ASSIGNMENT_ENTRY = {
  type: 'object',
  properties: {
    assignmentId: { type: 'string' },
    kind: { enum: ['assign', 'rollback', 'emergency', 'agent-pin', 'gitops'] },
    configHash: { type: 'string' },
    label: NULLABLE_STRING,
    selector: { type: 'object' },
    priority: { type: 'integer' },
    urgent: { type: 'boolean' },
    instanceUid: NULLABLE_STRING,
    active: { type: 'boolean' },
    name: NULLABLE_STRING,
    description: NULLABLE_STRING,
    author: { type: 'string' },
    createdAt: DATE_TIME,
    deactivatedAt: { type: ['string', 'null'], format: 'date-time' },
    deactivatedBy: NULLABLE_STRING,
  },
} as const;

/** The history of a selector (`targetKey`) or of an agent (`instanceUid`, `reports`). */
export const HISTORY = {
  type: 'object',
  properties: {
    targetKey: { type: 'string', description: 'Selector histories: the canonical selector.' },
    instanceUid: { type: 'string', description: 'Agent histories.' },
    lastAppliedHash: { ...NULLABLE_STRING, description: 'Agent histories: its last good config.' },
    assignments: { type: 'array', items: ASSIGNMENT_ENTRY },
    reports: {
      type: 'array',
      description: 'Agent histories: the newest 100 hashes it reported, with their latest status.',
      items: {
        type: 'object',
        properties: { configHash: { type: 'string' }, status: { type: 'string' }, errorMessage: NULLABLE_STRING, updatedAt: DATE_TIME },
      },
    },
    next: { type: 'string' },
  },
} as const;

/** Outcomes of the agents whose live target is one version. */
export const FLEET_SUMMARY = {
  type: 'object',
  properties: {
    hash: { type: 'string' },
    total: { type: 'integer' },
    applied: { type: 'integer' },
    failed: { type: 'integer', description: 'Reported FAILED for this version (never re-offered).' },
    pending: { type: 'integer' },
    offline: { type: 'integer' },
    failures: {
      type: 'array',
      description: 'Grouped by error message, largest first (at most 50 groups, 5 samples each).',
      items: {
        type: 'object',
        properties: {
          message: { type: 'string' },
          count: { type: 'integer' },
          samples: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                instanceUid: { type: 'string' },
                connected: { type: 'boolean' },
                lastAppliedHash: { ...NULLABLE_STRING, description: 'Its last good config: what it keeps running.' },
                failedAt: DATE_TIME,
              },
            },
          },
        },
      },
    },
    failureGroupsOmitted: { type: 'integer' },
  },
} as const;

/** An agent's effective config against its desired one. */
export const EFFECTIVE_CONFIG_DIFF = {
  type: 'object',
  properties: {
    instanceUid: { type: 'string' },
    desiredHash: NULLABLE_STRING,
    reportedHash: NULLABLE_STRING,
    status: { enum: ['UNSET', 'APPLIED', 'APPLYING', 'FAILED', null] },
    errorMessage: NULLABLE_STRING,
    effectiveReported: { type: 'boolean' },
    inSync: { type: 'boolean' },
    files: { type: 'array', items: FILE_DIFF, description: 'From the effective config (a/) to the desired one (b/).' },
  },
} as const;

/** One page of the audit log. */
export const AUDIT_PAGE = {
  type: 'object',
  properties: {
    entries: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          at: DATE_TIME,
          actor: { type: 'string' },
          action: { type: 'string' },
          subject: { type: 'string' },
          beforeHash: NULLABLE_STRING,
          afterHash: NULLABLE_STRING,
          details: {},
        },
      },
    },
    next: { type: 'string' },
  },
} as const;
