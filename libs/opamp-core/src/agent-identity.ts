import { createHash } from 'node:crypto';
import { toBigInt, type opamp } from '@shepherd/proto';

type KeyValue = opamp.KeyValue.$Properties;
type AnyValue = opamp.AnyValue.$Properties;

/**
 * A stable fingerprint (sha256 hex) of an agent's identifying attributes,
 * independent of attribute order, so two descriptions of the same agent give
 * the same value and two different agents (e.g. cloned VMs sharing one uid)
 * give different values. Returns undefined when there is no description.
 */
export function identityOf(description: opamp.AgentDescription.$Properties | null | undefined): string | undefined {
  if (description === null || description === undefined) return undefined;
  const attrs = [...(description.identifyingAttributes ?? [])].map(canonicalPair).sort();
  return createHash('sha256').update(attrs.join('\n')).digest('hex');
}

function canonicalPair(kv: KeyValue): string {
  return `${JSON.stringify(kv.key ?? '')}=${canonicalValue(kv.value)}`;
}

const MEMBERS = ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] as const;

/** The set member of the `value` oneof: the decoder names it; plain objects have one non-null member. */
function memberOf(value: AnyValue): (typeof MEMBERS)[number] | undefined {
  if (value.value !== undefined) return value.value;
  return MEMBERS.find((m) => value[m] !== null && value[m] !== undefined);
}

// Decoded nesting is bounded by the proto decoder (100 levels), so recursion is safe.
function canonicalValue(value: AnyValue | null | undefined): string {
  const member = value === null || value === undefined ? undefined : memberOf(value);
  if (value === null || value === undefined || member === undefined) return 'null';
  switch (member) {
    case 'stringValue':
      return `s:${JSON.stringify(value.stringValue)}`;
    case 'boolValue':
      return `b:${String(value.boolValue)}`;
    case 'intValue':
      return `i:${toBigInt(value.intValue ?? 0)}`;
    case 'doubleValue':
      return `d:${String(value.doubleValue)}`;
    case 'bytesValue':
      return `x:${Buffer.from(value.bytesValue ?? new Uint8Array(0)).toString('hex')}`;
    case 'arrayValue':
      return `a:[${(value.arrayValue?.values ?? []).map(canonicalValue).join(',')}]`;
    case 'kvlistValue':
      return `k:{${(value.kvlistValue?.values ?? []).map(canonicalPair).sort().join(',')}}`;
  }
}
