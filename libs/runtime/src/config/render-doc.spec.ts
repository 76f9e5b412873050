import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ENV_CATALOGUE } from './env-catalogue.js';
import { renderConfigurationDoc } from './render-doc.js';

const DOC_PATH = fileURLToPath(new URL('../../../../docs/configuration.md', import.meta.url));

describe('configuration reference', () => {
  it('docs/configuration.md matches the catalogue', () => {
    const committed = readFileSync(DOC_PATH, 'utf8');
    expect(
      committed,
      'docs/configuration.md is out of date with libs/runtime/src/config/env-catalogue.ts; ' +
        'regenerate it with `npm run docs:config -w libs/runtime` (from the repository root) and commit the result',
    ).toBe(renderConfigurationDoc());
  });

  it('lists every variable once, with its default and secret flag', () => {
    const doc = renderConfigurationDoc();
    for (const spec of Object.values(ENV_CATALOGUE)) {
      expect(doc.split(`| \`${spec.name}\` |`), spec.name).toHaveLength(2);
    }
    expect(doc).toContain('| `ADMIN_PORT` | `9464` | Port of the admin HTTP listener');
    expect(doc).toMatch(/\| `DATABASE_URL` \| \(unset\) \| .* \| yes \|/);
    expect(doc).toMatch(/\| `SERVICE_NAME` \| the app's name \| .* \| no \|/);
  });

  it('renders one table per group that has variables, in group order', () => {
    const headings = renderConfigurationDoc().match(/^## .*$/gm);
    expect(headings).toEqual([
      '## Common (every app)',
      '## Engines',
      '## Gateway (OpAMP endpoint)',
      '## Authentication',
      '## Config service',
      '## GitOps config source',
      '## Admin API (REST)',
    ]);
  });

  it('keeps table cells intact when a description contains a pipe or a line break', () => {
    const doc = renderConfigurationDoc({
      X_Y: { name: 'X_Y', schema: z.string(), description: 'a | b\nc', secret: false, group: 'gateway' },
    });
    expect(doc).toContain('## Gateway');
    expect(doc).toContain('| `X_Y` | (unset) | a \\| b c | no |');
  });
});
