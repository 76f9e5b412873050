import { describe, expect, it } from 'vitest';
import { ENV_CATALOGUE, ENV_GROUPS, ENV_VAR_NAMES } from './env-catalogue.js';

describe('environment catalogue', () => {
  it('names every entry after its key, in UPPER_SNAKE_CASE', () => {
    for (const [key, spec] of Object.entries(ENV_CATALOGUE)) {
      expect(spec.name).toBe(key);
      expect(key).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    }
    expect(ENV_VAR_NAMES).toEqual(Object.keys(ENV_CATALOGUE));
  });

  it('documents every entry in a known group', () => {
    for (const spec of Object.values(ENV_CATALOGUE)) {
      expect(spec.description.length, spec.name).toBeGreaterThan(20);
      expect(Object.keys(ENV_GROUPS), spec.name).toContain(spec.group);
    }
  });

  it('has defaults that pass their own schema', () => {
    for (const spec of Object.values(ENV_CATALOGUE)) {
      if ('default' in spec) expect(spec.schema.safeParse(spec.default).success, spec.name).toBe(true);
    }
  });

  it('marks the variables that may carry credentials as secret', () => {
    const secrets = Object.values(ENV_CATALOGUE)
      .filter((spec) => spec.secret)
      .map((spec) => spec.name);
    expect(secrets).toEqual(['REDIS_URL', 'DATABASE_URL', 'AUTH_DEV_TOKEN']);
  });

  it('is frozen so no module can change what another one reads', () => {
    expect(Object.isFrozen(ENV_CATALOGUE)).toBe(true);
    expect(Object.isFrozen(ENV_CATALOGUE.ADMIN_PORT)).toBe(true);
  });
});
