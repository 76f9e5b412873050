/**
 * JSON schemas of the assignment-model routes (resolution, rollback, agent pin, emergency
 * configs). Fastify validates with them and the OpenAPI document embeds the same objects.
 */
import { UID_PATTERN } from './schemas.js';

/** Longest description or reason accepted. */
const MAX_DESCRIPTION = 4096;

const SELECTOR_INPUT = {
  description:
    'Label selector: Kubernetes text ("env=prod,tier in (web,api),!canary") or {"matchLabels": {...}, "matchExpressions": [{"key", "operator": "In|NotIn|Exists|DoesNotExist", "values"}]} (snake_case keys accepted).',
  type: ['string', 'object'],
  minLength: 1,
  maxLength: 4096,
} as const;

/** A selector as the API answers it (canonical). */
export const SELECTOR = {
  type: 'object',
  required: ['matchLabels', 'matchExpressions'],
  properties: {
    matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'operator', 'values'],
        properties: {
          key: { type: 'string' },
          operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
          values: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
} as const;

const HASH = { type: 'string', description: 'Hex sha256 of a config version.' } as const;
const NULLABLE_HASH = { type: ['string', 'null'], description: 'Hex sha256 of a config version.' } as const;

/** `POST /api/v1/rollbacks` body. */
export const ROLLBACK_BODY = {
  type: 'object',
  additionalProperties: false,
  description: 'Exactly one of `selector` (roll the selector back to its previous distinct config) or `instanceUid` (pin one agent to its last good config).',
  properties: {
    selector: SELECTOR_INPUT,
    instanceUid: { type: 'string', pattern: UID_PATTERN },
    reason: { type: 'string', minLength: 1, maxLength: MAX_DESCRIPTION },
  },
} as const;

/** `201` answer of `POST /api/v1/rollbacks`. */
export const ROLLBACK_RESULT = {
  type: 'object',
  required: ['assignmentId', 'kind', 'configHash', 'previousHash', 'matchedAgents'],
  properties: {
    assignmentId: { type: 'string' },
    kind: { enum: ['rollback', 'agent-pin'] },
    configHash: { ...HASH, description: 'The config rolled back to.' },
    previousHash: { ...NULLABLE_HASH, description: 'The config assigned before.' },
    matchedAgents: { type: 'integer', minimum: 0 },
  },
} as const;

/** `200` answer of `DELETE /api/v1/agents/{uid}/pin`. */
export const CLEAR_PIN_RESULT = {
  type: 'object',
  required: ['assignmentId', 'configHash', 'targetHash'],
  properties: {
    assignmentId: { type: 'string' },
    configHash: { ...HASH, description: 'The config the pin held the agent on.' },
    targetHash: { ...NULLABLE_HASH, description: 'The agent target now.' },
  },
} as const;

/** `POST /api/v1/emergency-configs` body. */
export const EMERGENCY_CONFIG_BODY = {
  type: 'object',
  required: ['target', 'config'],
  additionalProperties: false,
  properties: {
    target: SELECTOR_INPUT,
    config: {
      description: 'Collector configuration: an object (rendered to YAML) or YAML text (stored as given).',
      type: ['object', 'string'],
      minLength: 1,
    },
    description: { type: 'string', minLength: 1, maxLength: MAX_DESCRIPTION },
  },
} as const;

/** `201` answer of `POST /api/v1/emergency-configs`. */
export const EMERGENCY_CONFIG_RESULT = {
  type: 'object',
  required: ['assignmentId', 'configHash', 'matchedAgents'],
  properties: {
    assignmentId: { type: 'string' },
    configHash: HASH,
    matchedAgents: { type: 'integer', minimum: 0 },
    previousHash: { ...HASH, description: "The selector's own assignment before (a superseded emergency config, else its normal one)." },
  },
} as const;

/** One active emergency config. */
export const EMERGENCY_CONFIG = {
  type: 'object',
  required: ['assignmentId', 'selector', 'configHash', 'author', 'createdAt', 'description'],
  properties: {
    assignmentId: { type: 'string' },
    selector: SELECTOR,
    configHash: HASH,
    author: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    description: { type: ['string', 'null'] },
  },
} as const;

/** `200` answer of `DELETE /api/v1/emergency-configs/{id}`. */
export const CLEAR_EMERGENCY_RESULT = {
  type: 'object',
  required: ['assignmentId', 'configHash'],
  properties: {
    assignmentId: { type: 'string' },
    configHash: { ...HASH, description: 'The config the emergency assigned.' },
    restoredHash: { ...HASH, description: "The selector's normal assignment that applies again, if any." },
  },
} as const;

const CANDIDATE = {
  type: 'object',
  required: ['assignmentId', 'kind', 'selector', 'priority', 'urgent', 'instanceUid', 'configHash', 'createdAt', 'matches'],
  properties: {
    assignmentId: { type: 'string' },
    kind: { enum: ['assign', 'rollback', 'emergency', 'agent-pin', 'gitops'] },
    selector: SELECTOR,
    priority: { type: 'integer' },
    urgent: { type: 'boolean' },
    instanceUid: { type: ['string', 'null'] },
    configHash: HASH,
    name: { type: ['string', 'null'] },
    author: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    matches: { type: 'boolean' },
    failed: {
      type: 'object',
      description: 'For an assignment that does not apply: the first selector term the agent fails.',
      properties: { term: { type: 'string' }, key: { type: 'string' }, actual: { type: ['string', 'null'] } },
    },
  },
} as const;

/** `200` answer of `GET /api/v1/agents/{uid}/resolution`. */
export const RESOLUTION = {
  type: 'object',
  required: ['tenantId', 'instanceUid', 'labels', 'described', 'configHash', 'decidedBy', 'reason', 'explanation', 'candidates', 'truncated'],
  properties: {
    tenantId: { type: 'string' },
    instanceUid: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    described: { type: 'boolean' },
    configHash: { ...NULLABLE_HASH, description: 'The config the agent gets; null when no assignment applies.' },
    decidedBy: { anyOf: [CANDIDATE, { type: 'null' }] },
    reason: { enum: ['emergency', 'agent-pin', 'highest-priority', 'newest-among-equal-priority', 'no-match'] },
    explanation: { type: 'string' },
    candidates: { type: 'array', maxItems: 100, items: CANDIDATE, description: 'Active assignments in resolution order, those that apply first.' },
    truncated: { type: 'boolean' },
  },
} as const;
