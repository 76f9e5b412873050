/**
 * JSON schemas of the routes. Fastify validates requests with them and the
 * OpenAPI document embeds the same objects, so the two cannot drift.
 */

/** Media types whose body is YAML configuration text. */
export const YAML_MEDIA_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml', 'text/x-yaml'] as const;

/** `POST /api/v1/configs` JSON body. */
export const CREATE_CONFIG_JSON_BODY = {
  type: 'object',
  required: ['target', 'config'],
  additionalProperties: false,
  properties: {
    target: {
      description:
        'Label selector: Kubernetes text ("env=prod,tier in (web,api),!canary"), or {"match_labels"|"matchLabels": {...}, "match_expressions"|"matchExpressions": [{"key", "operator": "In|NotIn|Exists|DoesNotExist", "values"}]}.',
      type: ['string', 'object'],
      minLength: 1,
      maxLength: 4096,
    },
    config: {
      description: 'Collector configuration: an object (rendered to YAML) or YAML text (stored as given).',
      type: ['object', 'string'],
      minLength: 1,
    },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    priority: { type: 'integer', minimum: -1_000_000, maximum: 1_000_000 },
    label: { type: 'string', minLength: 1, maxLength: 256, description: 'Version label, e.g. "v1.4.0".' },
    description: { type: 'string', minLength: 1, maxLength: 4096 },
  },
} as const;

/** `POST /api/v1/configs` YAML body. */
export const CREATE_CONFIG_YAML_BODY = { type: 'string', minLength: 1 } as const;

/** `POST /api/v1/configs` query string, read only for YAML bodies. */
export const CREATE_CONFIG_QUERY = {
  type: 'object',
  properties: {
    target: { type: 'string', minLength: 1, maxLength: 4096, description: 'Selector text, e.g. "env=prod,tier in (web,api)" (YAML bodies).' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    priority: { type: 'integer', minimum: -1_000_000, maximum: 1_000_000 },
    label: { type: 'string', minLength: 1, maxLength: 256 },
    description: { type: 'string', minLength: 1, maxLength: 4096 },
  },
} as const;

/** `201` answer of `POST /api/v1/configs`. */
export const CREATE_CONFIG_RESULT = {
  type: 'object',
  required: ['assignmentId', 'configHash', 'matchedAgents'],
  properties: {
    assignmentId: { type: 'string' },
    configHash: { type: 'string', description: 'Hex sha256 of the canonical AgentConfigMap.' },
    matchedAgents: { type: 'integer', minimum: 0 },
    previousHash: { type: 'string', description: 'The config of the same selector this assignment superseded.' },
  },
} as const;

/** Default and bounds of `limit` on `GET /api/v1/agents`. */
export const AGENT_PAGE = { defaultLimit: 100, maxLimit: 1000 } as const;

/** `GET /api/v1/agents` query string. */
export const LIST_AGENTS_QUERY = {
  type: 'object',
  properties: {
    label: {
      type: 'array',
      maxItems: 64,
      items: { type: 'string', minLength: 1, maxLength: 600 },
      description: 'Repeatable selector term: "k=v", "k!=v", "k in (a,b)", "k notin (a)", "k" or "!k".',
    },
    labels: { type: 'string', minLength: 1, maxLength: 4096, description: 'Selector text, e.g. "env=prod,tier in (web,api),!canary".' },
    limit: { type: 'integer', minimum: 1, maximum: AGENT_PAGE.maxLimit, default: AGENT_PAGE.defaultLimit },
    after: { type: 'string', minLength: 1, maxLength: 1024, description: 'Cursor: `next` of the previous page.' },
  },
} as const;

/** Canonical 8-4-4-4-12 hex UUID, either case. */
export const UID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** The JSON error body every failure answers with. */
export const ERROR_BODY = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable UPPER_SNAKE code.' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
      },
    },
  },
} as const;
