import { ENV_CATALOGUE, ENV_GROUPS, type EnvGroup, type EnvVarSpec } from './env-catalogue.js';

const INTRO =
  'Shepherd is configured only through environment variables. Each app validates the ' +
  'variables it reads once, at start-up, and converts them to typed values; a bad or missing ' +
  'value stops start-up with one line on stderr naming each variable and what is wrong ' +
  '(exit code 78), and secret values are never echoed. An empty value counts as unset.';

/** Makes text safe inside a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function defaultCell(spec: EnvVarSpec): string {
  if (spec.default !== undefined) return `\`${spec.default}\``;
  return spec.defaultDoc ?? '(unset)';
}

function groupSection(group: EnvGroup, specs: readonly EnvVarSpec[]): string {
  const info: { readonly title: string; readonly intro?: string } = ENV_GROUPS[group];
  const rows = specs.map(
    (spec) => `| \`${spec.name}\` | ${cell(defaultCell(spec))} | ${cell(spec.description)} | ${spec.secret ? 'yes' : 'no'} |`,
  );
  return [
    `## ${info.title}`,
    ...(info.intro === undefined ? [] : ['', info.intro]),
    '',
    '| Variable | Default | Description | Secret |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/**
 * Renders the configuration reference (docs/configuration.md) from the
 * catalogue: a title, an introduction, then one table per group that has
 * variables, in {@link ENV_GROUPS} order. Deterministic: the same catalogue
 * always renders the same text, ending with a newline.
 */
export function renderConfigurationDoc(catalogue: Readonly<Record<string, EnvVarSpec>> = ENV_CATALOGUE): string {
  const specs = Object.values(catalogue);
  const sections = (Object.keys(ENV_GROUPS) as EnvGroup[])
    .map((group) => ({ group, members: specs.filter((spec) => spec.group === group) }))
    .filter(({ members }) => members.length > 0)
    .map(({ group, members }) => groupSection(group, members));
  const header = [
    '# Configuration',
    '',
    '<!-- Generated from libs/runtime/src/config/env-catalogue.ts by `npm run docs:config -w libs/runtime`; do not edit. -->',
    '',
    INTRO,
  ].join('\n');
  return `${[header, ...sections].join('\n\n')}\n`;
}
