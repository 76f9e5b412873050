import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact-url.js';

describe('redactUrl', () => {
  it.each([
    ['postgres://app:s3cret@db:5432/app', 'postgres://app:***@db:5432/app'],
    ['redis://:s3cret@redis:6379/0', 'redis://:***@redis:6379/0'],
    ['postgres://app:p@ss@db/app', 'postgres://app:***@db/app'],
    ['nats://a:pw1@n1:4222,nats://b:pw2@n2:4222', 'nats://a:***@n1:4222,nats://b:***@n2:4222'],
    ['postgres://db/app?sslmode=require&password=s3cret', 'postgres://db/app?sslmode=require&password=***'],
    ['s3://bucket/prefix?token=abc&region=eu-west-1', 's3://bucket/prefix?token=***&region=eu-west-1'],
  ])('hides the password in %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it.each(['nats://nats:4222', 'http//x', 'file:///var/lib/blobs', 'postgres://app@db/app', 'not a url'])(
    'leaves %s unchanged',
    (input) => {
      expect(redactUrl(input)).toBe(input);
    },
  );
});
