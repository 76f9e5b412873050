import type { IncomingMessage, ServerResponse } from 'node:http';
import { composeReply, decodeAgentPayload, errorReply } from '@shepherd/opamp-core';
import { encodePlainServerToAgent, encodeServerToAgent, ServerErrorResponseType, uidFromString, type IServerToAgent } from '@shepherd/proto';
import type { AgentEntry } from './agent-entry.js';
import type { AgentHub } from './agent-hub.js';
import type { GatewayPrincipal } from './authenticator.js';
import { readAgentBody } from './body-reader.js';
import { BadContentEncodingError, MessageTooLargeError, UnsupportedContentEncodingError } from './errors.js';
import { acceptsGzip, sendProtobuf, sendText } from './http-replies.js';
import { retryAfterHeader } from './retry-after.js';

const BadRequest = ServerErrorResponseType.ServerErrorResponseType_BadRequest;

/**
 * Serves one authenticated plain-HTTP OpAMP POST (wire-facts §6.3): exactly
 * one ServerToAgent per request with status 200 and Content-Type
 * `application/x-protobuf` (§7.16), pending deliveries merged in (§7.28),
 * gzip both ways (§7.12/§7.13), 413 over the size limit (§7.14), 400 with a
 * BadRequest body for malformed input (§7.36), 429 + Retry-After when the
 * bus is backed up (§7.38). Never rejects.
 */
export async function servePoll(req: IncomingMessage, res: ServerResponse, hub: AgentHub, principal: GatewayPrincipal): Promise<void> {
  const { options, metrics } = hub;
  const gzip = acceptsGzip(req.headers['accept-encoding']);
  let body: Uint8Array;
  try {
    body = await readAgentBody(req, options.maxMessageBytes);
  } catch (err) {
    refuseBody(res, hub, err, gzip);
    return;
  }
  const counts = metrics.perMessage.http;
  counts.messagesIn.inc();
  counts.bytesIn.inc(body.length);
  const decoded = decodeAgentPayload(body);
  if (!decoded.ok) return badRequest(res, hub, decoded.reply, gzip);
  const headerProblem = checkUidHeader(req.headers['opamp-instance-uid'], decoded.message.instanceUid);
  if (headerProblem !== undefined) return badRequest(res, hub, errorReply(decoded.message.instanceUid, BadRequest, headerProblem), gzip);

  const result = hub.handle({ kind: 'http' }, decoded, body, principal);
  if (result.kind !== 'reply') {
    sendText(res, 429, 'gateway overloaded; retry later\n', { 'Retry-After': retryAfterHeader(options.retryAfterSeconds) });
    return;
  }
  if (result.error !== undefined) return badRequest(res, hub, result.reply, gzip, false);
  const bytes = withDeliveries(hub, result.reply, result.entry, result.plain === true);
  sendProtobuf(res, 200, bytes, gzip);
  counts.messagesOut.reply.inc();
  counts.bytesOut.inc(bytes.length);
}

/** The reply with pending deliveries merged, encoded; falls back to the bare reply when the merge is too large (§7.15). */
function withDeliveries(hub: AgentHub, base: IServerToAgent, entry: AgentEntry | undefined, isPlain: boolean): Uint8Array {
  const plain = isPlain && entry !== undefined ? encodePlainServerToAgent(entry.uidBytes, hub.options.serverCapabilities) : encodeServerToAgent(base);
  if (entry === undefined || entry.session.disconnected) return plain;
  const pending = hub.mailbox.peek(entry.uid);
  if (pending.length === 0) return plain;
  const composed = composeReply(base, pending, entry.session.capabilities);
  hub.mailbox.remove(entry.uid, [...composed.used, ...composed.dropped]);
  if (composed.dropped.length > 0) hub.metrics.drops.inc({ reason: 'capability_gated' }, composed.dropped.length);
  if (composed.used.length === 0) return plain;
  const merged = encodeServerToAgent(composed.reply);
  if (merged.length <= hub.options.maxMessageBytes) {
    hub.metrics.deliveries.inc({ outcome: 'sent_on_poll' }, composed.used.length);
    return merged;
  }
  hub.metrics.drops.inc({ reason: 'outgoing_too_large' }, composed.used.length);
  hub.options.logger.warn({ uid: entry.uid, bytes: merged.length }, 'pending deliveries dropped: reply would exceed the size limit');
  return plain;
}

/** §7.17: the header is optional; when present it must be the canonical text of instance_uid. */
function checkUidHeader(header: string | string[] | undefined, uid: Uint8Array): string | undefined {
  const text = (Array.isArray(header) ? header[0] : header)?.trim();
  if (text === undefined) return undefined;
  let parsed: Uint8Array;
  try {
    parsed = uidFromString(text);
  } catch {
    return `OpAMP-Instance-UID header ${JSON.stringify(text)} is not a canonical UUID`;
  }
  return Buffer.from(parsed).equals(Buffer.from(uid)) ? undefined : 'OpAMP-Instance-UID header does not match instance_uid';
}

function badRequest(res: ServerResponse, hub: AgentHub, reply: IServerToAgent, gzip: boolean, count = true): void {
  if (count) hub.metrics.errors.inc({ code: 'bad_request' });
  sendProtobuf(res, 400, encodeServerToAgent(reply), gzip);
  hub.metrics.perMessage.http.messagesOut.error.inc();
}

function refuseBody(res: ServerResponse, hub: AgentHub, err: unknown, gzip: boolean): void {
  if (err instanceof MessageTooLargeError) {
    hub.metrics.errors.inc({ code: 'too_large' });
    sendText(res, 413, `${err.message}\n`, {}, true);
  } else if (err instanceof BadContentEncodingError) {
    badRequest(res, hub, errorReply(undefined, BadRequest, err.message), gzip);
  } else if (err instanceof UnsupportedContentEncodingError) {
    hub.metrics.errors.inc({ code: 'unsupported_encoding' });
    sendText(res, 415, `${err.message}\n`, {}, true);
  } else {
    // The client aborted or the socket failed while sending the body.
    hub.metrics.errors.inc({ code: 'body_read_failed' });
    sendText(res, 400, 'could not read the request body\n', {}, true);
  }
}
