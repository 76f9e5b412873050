import {
  CLEAR_EMERGENCY_RESULT,
  CLEAR_PIN_RESULT,
  EMERGENCY_CONFIG,
  EMERGENCY_CONFIG_BODY,
  EMERGENCY_CONFIG_RESULT,
  RESOLUTION,
  ROLLBACK_BODY,
  ROLLBACK_RESULT,
} from './assignment-schemas.js';
import { ASSIGNMENT_PATHS } from './routes/assignments.js';
import { EMERGENCY_PATHS } from './routes/emergency-configs.js';
import { UID_PATTERN } from './schemas.js';

type ErrorAnswer = (description: string) => object;

const json = (schema: object): object => ({ 'application/json': { schema } });
const UID_PARAMETER = { name: 'uid', in: 'path', required: true, schema: { type: 'string', pattern: UID_PATTERN } };
const ID_PARAMETER = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: UID_PATTERN } };
const AGENT_NOT_FOUND = 'No such agent in your tenant (code CONFIG_AGENT_NOT_FOUND).';

/**
 * The OpenAPI path items of the assignment-model routes (`/api` prefix included): resolution,
 * rollbacks, agent pins and emergency configs. `errorAnswer` and `commonErrors` are the
 * document's shared error answers.
 */
export function assignmentPathItems(errorAnswer: ErrorAnswer, commonErrors: object): Record<string, object> {
  return {
    [`/api${ASSIGNMENT_PATHS.resolution}`]: {
      get: {
        operationId: 'resolveAgent',
        summary: 'Which config the agent gets, which assignment decided it and why (emergency, agent pin, priority, newest), with every candidate.',
        parameters: [UID_PARAMETER],
        responses: { 200: { description: 'The resolution.', content: json(RESOLUTION) }, 404: errorAnswer(AGENT_NOT_FOUND), ...commonErrors },
      },
    },
    [`/api${ASSIGNMENT_PATHS.rollbacks}`]: {
      post: {
        operationId: 'rollback',
        summary: 'Roll a selector back to the previous distinct config of its history, or pin one agent to its last good config, in one call.',
        requestBody: { required: true, content: json(ROLLBACK_BODY) },
        responses: {
          201: { description: 'Rolled back; affected agents are reconciled.', content: json(ROLLBACK_RESULT) },
          404: errorAnswer(AGENT_NOT_FOUND),
          412: errorAnswer('Nothing to roll back to (code CONFIG_NOTHING_TO_ROLL_BACK).'),
          ...commonErrors,
        },
      },
    },
    [`/api${ASSIGNMENT_PATHS.pin}`]: {
      delete: {
        operationId: 'clearAgentPin',
        summary: 'End the pin of one agent (from a rollback): it returns to what its selectors resolve to.',
        parameters: [UID_PARAMETER],
        responses: {
          200: { description: 'The pin ended.', content: json(CLEAR_PIN_RESULT) },
          404: errorAnswer('No such agent (CONFIG_AGENT_NOT_FOUND), or it has no pin (CONFIG_AGENT_PIN_NOT_FOUND).'),
          ...commonErrors,
        },
      },
    },
    [`/api${EMERGENCY_PATHS.collection}`]: {
      post: {
        operationId: 'setEmergencyConfig',
        summary: 'Set an emergency config (priority URGENT): it overrides every other assignment of the agents the target matches until cleared.',
        requestBody: { required: true, content: json(EMERGENCY_CONFIG_BODY) },
        responses: { 201: { description: 'Set; matching agents are reconciled.', content: json(EMERGENCY_CONFIG_RESULT) }, ...commonErrors },
      },
      get: {
        operationId: 'listEmergencyConfigs',
        summary: 'The active emergency configs of your tenant, newest first (at most 1000).',
        responses: {
          200: {
            description: 'The active emergency configs.',
            content: json({ type: 'object', required: ['emergencyConfigs'], properties: { emergencyConfigs: { type: 'array', maxItems: 1000, items: EMERGENCY_CONFIG } } }),
          },
          ...commonErrors,
        },
      },
    },
    [`/api${EMERGENCY_PATHS.item}`]: {
      delete: {
        operationId: 'clearEmergencyConfig',
        summary: 'Clear an emergency config: its agents return to their normal assignments.',
        parameters: [ID_PARAMETER],
        responses: {
          200: { description: 'Cleared; affected agents are reconciled.', content: json(CLEAR_EMERGENCY_RESULT) },
          404: errorAnswer('No active emergency config with this id in your tenant (code CONFIG_ASSIGNMENT_NOT_FOUND).'),
          ...commonErrors,
        },
      },
    },
  };
}
