import { describe, expect, it } from 'vitest';
import { decodeConfigChangedEvent, encodeConfigChangedEvent } from './config-changed-event.js';
import { MalformedConfigEventError } from './errors.js';
import { parseSelector } from './selector.js';

const event = {
  tenantId: 'acme',
  assignmentId: '0190f3c2-7b1e-7cc0-8a1b-2c3d4e5f6a7b',
  configHash: 'a'.repeat(64),
  selector: parseSelector('env=test,region=us-west-2'),
  at: '2030-01-01T00:00:00.000Z',
};

describe('config-changed event', () => {
  it('round-trips through its versioned JSON form', () => {
    const bytes = encodeConfigChangedEvent(event);
    expect(JSON.parse(Buffer.from(bytes).toString('utf8'))).toMatchObject({ v: 1, tenantId: 'acme', selector: { matchLabels: { env: 'test' } } });
    expect(decodeConfigChangedEvent(bytes)).toEqual(event);
  });

  it('carries selector expressions and the instance uid of an agent pin', () => {
    const pin = { ...event, selector: parseSelector('tier in (web,api),!canary'), instanceUid: '0190f3c2-7b1e-7cc0-8a1b-2c3d4e5f6a7b' };
    const bytes = encodeConfigChangedEvent(pin);
    expect(JSON.parse(Buffer.from(bytes).toString('utf8'))).toMatchObject({ instanceUid: pin.instanceUid, selector: { matchExpressions: [{ key: 'canary' }, { key: 'tier' }] } });
    expect(decodeConfigChangedEvent(bytes)).toEqual(pin);
    expect(decodeConfigChangedEvent(encodeConfigChangedEvent(event))).not.toHaveProperty('instanceUid');
  });

  it.each([
    ['not json', /not JSON/],
    [JSON.stringify({ ...event, v: 1, instanceUid: 'agent-7' }), /instanceUid must be a lower-case UUID/],
    ['[]', /version/],
    ['{"v":2}', /version 2 is not 1/],
    [JSON.stringify({ ...event, v: 1, tenantId: '' }), /tenantId must be a non-empty string/],
    [JSON.stringify({ ...event, v: 1, selector: { matchLabels: { env: 1 } } }), /invalid selector/],
  ])('refuses %s', (text, message) => {
    expect(() => decodeConfigChangedEvent(Buffer.from(text))).toThrow(MalformedConfigEventError);
    expect(() => decodeConfigChangedEvent(Buffer.from(text))).toThrow(message);
  });
});
