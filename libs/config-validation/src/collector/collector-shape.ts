/** Sections of a Collector config that hold component definitions. */
export const COMPONENT_SECTIONS = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'] as const;

/** One component section name. */
export type ComponentSection = (typeof COMPONENT_SECTIONS)[number];

/** Keys allowed at the top level of a Collector config. */
export const TOP_LEVEL_KEYS: ReadonlySet<string> = new Set([...COMPONENT_SECTIONS, 'service']);

/** Keys allowed under `service`. */
export const SERVICE_KEYS: ReadonlySet<string> = new Set(['extensions', 'pipelines', 'telemetry']);

/** Signal types a pipeline id may start with. */
export const PIPELINE_TYPES: ReadonlySet<string> = new Set(['traces', 'metrics', 'logs', 'profiles']);

/** Keys allowed inside one pipeline. */
export const PIPELINE_KEYS: ReadonlySet<string> = new Set(['receivers', 'processors', 'exporters']);

/** Component ids are `type` or `type/name`; the type is an identifier, the name is free text without `/`. */
export const COMPONENT_ID = /^[A-Za-z][A-Za-z0-9_]*(\/[^/\s]+)?$/;

/** Component ids defined per section, merged over every file of one submission. */
export type ComponentDefinitions = Readonly<Record<ComponentSection, ReadonlySet<string>>>;

/** True when a parsed document looks like (part of) a Collector config. */
export function isCollectorConfig(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && ['service', ...COMPONENT_SECTIONS].some((k) => k in value);
}

/** Collects the component ids defined in each section of the given documents. */
export function collectDefinitions(docs: readonly Record<string, unknown>[]): ComponentDefinitions {
  const defs = Object.fromEntries(COMPONENT_SECTIONS.map((s) => [s, new Set<string>()])) as Record<ComponentSection, Set<string>>;
  for (const doc of docs) {
    for (const section of COMPONENT_SECTIONS) {
      const entries = doc[section];
      if (isRecord(entries)) for (const id of Object.keys(entries)) defs[section].add(id);
    }
  }
  return defs;
}

/** A plain object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
