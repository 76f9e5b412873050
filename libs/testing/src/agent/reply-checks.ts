import { retryInfoMs, type ReplyAction } from '@shepherd/agent-transport';
import { ServerCapabilities as SC, ServerErrorResponseType as ET, hasCapability, uidToString, type ServerToAgent } from '@shepherd/proto';

/** ServerToAgent fields 3..11, which must be empty when error_response is set (wire-facts §6.7). */
const PAYLOAD_FIELDS = [
  'remoteConfig',
  'connectionSettings',
  'packagesAvailable',
  'flags',
  'capabilities',
  'agentIdentification',
  'command',
  'customCapabilities',
  'customMessage',
] as const satisfies readonly (keyof ServerToAgent)[];

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const isSet = (value: unknown): boolean =>
  value !== null && value !== undefined && !(typeof value === 'object' && 'isZero' in value && (value as { isZero(): boolean }).isZero());

/**
 * Protocol rules a reply breaks, as readable sentences (empty when none): a
 * foreign instance_uid; a success reply without the AcceptsStatus capability
 * (the spec requires it on the first reply, Shepherd's gateway sets it on
 * every one); fields 3..11 next to an error_response.
 */
export function replyViolations(message: ServerToAgent, knownUids: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const uid = message.instanceUid?.length === 16 ? uidToString(message.instanceUid) : hex(message.instanceUid ?? new Uint8Array());
  if (!knownUids.has(uid)) problems.push(`reply instance_uid ${uid || '(empty)'} is not this agent's; ignored`);
  if (message.errorResponse) {
    const extra = PAYLOAD_FIELDS.filter((field) => isSet(message[field]));
    if (extra.length > 0) problems.push(`error_response sent together with ${extra.join(', ')}`);
  } else if (!hasCapability(message.capabilities ?? 0, SC.ServerCapabilities_AcceptsStatus)) {
    problems.push('reply capabilities lack AcceptsStatus');
  }
  return problems;
}

/**
 * How the transport must react to the reply's error_response: Unavailable
 * waits retry_info (capped at `maxRetryAfterMs`; backoff when absent or 0);
 * anything else carries on (a BadRequest message is not retried).
 */
export function verdictOf(message: ServerToAgent, maxRetryAfterMs: number): ReplyAction {
  const error = message.errorResponse;
  if (!error || error.type !== ET.ServerErrorResponseType_Unavailable) return { kind: 'ok' };
  const ms = retryInfoMs(error.retryInfo?.retryAfterNanoseconds);
  return { kind: 'unavailable', retryAfterMs: ms === undefined ? undefined : Math.min(ms, maxRetryAfterMs) };
}
