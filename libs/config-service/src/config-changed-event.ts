import { MalformedConfigEventError } from './errors.js';
import { type LabelSelector, parseSelector, selectorJson } from './selector.js';

/**
 * Published on `topology.subjects.configChanged` after an assignment was stored or
 * deactivated: the config service reconciles the online agents of `tenantId` that `selector`
 * matches, or only agent `instanceUid` when the change was an agent pin. JSON, version 1.
 */
export interface ConfigChangedEvent {
  readonly tenantId: string;
  /** The assignment created or deactivated. */
  readonly assignmentId: string;
  /** That assignment's config hash (the one assigned, or the one withdrawn). */
  readonly configHash: string;
  readonly selector: LabelSelector;
  /** Set when the change concerns one agent only (an agent pin). */
  readonly instanceUid?: string;
  /** When the change was committed, ISO-8601. */
  readonly at: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const VERSION = 1;

/** The event's bytes: UTF-8 JSON `{"v":1, tenantId, assignmentId, configHash, selector, instanceUid?, at}`. */
export function encodeConfigChangedEvent(event: ConfigChangedEvent): Uint8Array {
  return Buffer.from(JSON.stringify({ v: VERSION, ...event, selector: selectorJson(event.selector) }), 'utf8');
}

/**
 * Parses and checks an event.
 * @throws MalformedConfigEventError when the bytes are not such JSON (unknown version, missing
 *   or mistyped field, invalid selector)
 */
export function decodeConfigChangedEvent(bytes: Uint8Array): ConfigChangedEvent {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new MalformedConfigEventError('config-changed event is not JSON', { cause: err });
  }
  if (typeof value !== 'object' || value === null) throw new MalformedConfigEventError('config-changed event is not a JSON object');
  const event = value as Record<string, unknown>;
  if (event['v'] !== VERSION) {
    throw new MalformedConfigEventError(`config-changed event version ${JSON.stringify(event['v'])} is not ${VERSION}`);
  }
  const text = (key: string): string => {
    const member = event[key];
    if (typeof member !== 'string' || member === '') {
      throw new MalformedConfigEventError(`config-changed event field ${key} must be a non-empty string`);
    }
    return member;
  };
  let selector: LabelSelector;
  try {
    selector = parseSelector(event['selector']);
  } catch (err) {
    throw new MalformedConfigEventError('config-changed event has an invalid selector', { cause: err });
  }
  const instanceUid = event['instanceUid'];
  if (instanceUid !== undefined && (typeof instanceUid !== 'string' || !UUID.test(instanceUid))) {
    throw new MalformedConfigEventError('config-changed event field instanceUid must be a lower-case UUID when present');
  }
  return Object.freeze({
    tenantId: text('tenantId'),
    assignmentId: text('assignmentId'),
    configHash: text('configHash'),
    selector,
    ...(instanceUid === undefined ? {} : { instanceUid }),
    at: text('at'),
  });
}
