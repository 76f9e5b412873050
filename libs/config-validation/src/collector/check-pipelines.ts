import { formatPath, type PathSegment } from '../problem.js';
import { isRecord, PIPELINE_KEYS, PIPELINE_TYPES, type ComponentDefinitions, type ComponentSection } from './collector-shape.js';
import type { StructureProblem } from './structure-problem.js';

type Role = 'receivers' | 'processors' | 'exporters';

/** Where a pipeline role may find its components: connectors join pipelines as exporter and receiver. */
const LOOKUP: Readonly<Record<Role, readonly ComponentSection[]>> = {
  receivers: ['receivers', 'connectors'],
  processors: ['processors'],
  exporters: ['exporters', 'connectors'],
};

interface ConnectorUse {
  asReceiver: boolean;
  asExporter: boolean;
  firstPath: readonly PathSegment[];
}

/**
 * Checks `service.pipelines`: ids are `traces|metrics|logs|profiles[/name]`,
 * each pipeline lists receivers and exporters, every referenced component is
 * defined, no component repeats within a list, and every connector is used
 * both as an exporter and as a receiver (the Collector refuses otherwise).
 */
export function checkPipelines(pipelines: unknown, defs: ComponentDefinitions, out: StructureProblem[]): void {
  if (!isRecord(pipelines)) {
    out.push({ path: ['service', 'pipelines'], target: 'value', code: 'CONFIG_SECTION_NOT_MAP', message: 'service.pipelines must be a map of pipeline id to pipeline' });
    return;
  }
  const connectors = new Map<string, ConnectorUse>();
  for (const [id, pipeline] of Object.entries(pipelines)) {
    const path: PathSegment[] = ['service', 'pipelines', id];
    const [type, name, ...extra] = id.split('/');
    if (!PIPELINE_TYPES.has(type ?? '') || name === '' || extra.length > 0) {
      out.push({ path, target: 'key', code: 'PIPELINE_INVALID_ID', message: `'${id}' is not a valid pipeline id; expected one of ${[...PIPELINE_TYPES].join(', ')}, optionally followed by /name` });
    }
    checkPipeline(pipeline, path, defs, connectors, out);
  }
  for (const [id, use] of connectors) {
    if (use.asReceiver === use.asExporter) continue;
    const missing = use.asReceiver ? 'exporter' : 'receiver';
    out.push({ path: use.firstPath, target: 'value', code: 'CONNECTOR_UNPAIRED', message: `connector '${id}' must also be used as an ${missing} in some pipeline` });
  }
}

function checkPipeline(pipeline: unknown, path: PathSegment[], defs: ComponentDefinitions, connectors: Map<string, ConnectorUse>, out: StructureProblem[]): void {
  if (!isRecord(pipeline)) {
    out.push({ path, target: 'value', code: 'PIPELINE_INVALID', message: `${formatPath(path)} must be a map with receivers, processors and exporters` });
    return;
  }
  for (const key of Object.keys(pipeline)) {
    if (!PIPELINE_KEYS.has(key)) {
      out.push({ path: [...path, key], target: 'key', code: 'PIPELINE_UNKNOWN_KEY', message: `unknown key '${key}' in ${formatPath(path)}; allowed: receivers, processors, exporters` });
    }
  }
  for (const role of ['receivers', 'processors', 'exporters'] as const) {
    const list = pipeline[role];
    const missing = list === undefined || list === null || (Array.isArray(list) && list.length === 0);
    if (missing && role !== 'processors') {
      const code = role === 'receivers' ? 'PIPELINE_MISSING_RECEIVERS' : 'PIPELINE_MISSING_EXPORTERS';
      out.push({ path, target: 'key', code, message: `${formatPath(path)} must list at least one of its ${role}` });
    }
    if (missing) continue;
    checkReferences(list, role, [...path, role], defs, connectors, out);
  }
}

function checkReferences(list: unknown, role: Role, path: PathSegment[], defs: ComponentDefinitions, connectors: Map<string, ConnectorUse>, out: StructureProblem[]): void {
  if (!Array.isArray(list)) {
    out.push({ path, target: 'value', code: 'COMPONENT_LIST_INVALID', message: `${formatPath(path)} must be a list of component ids` });
    return;
  }
  const seen = new Set<string>();
  list.forEach((ref: unknown, i) => {
    const p = [...path, i];
    if (typeof ref !== 'string') {
      out.push({ path: p, target: 'value', code: 'COMPONENT_REF_INVALID', message: `${formatPath(p)} must be a component id string` });
      return;
    }
    if (seen.has(ref)) out.push({ path: p, target: 'value', code: 'COMPONENT_DUPLICATE', message: `'${ref}' appears more than once in ${formatPath(path)}` });
    seen.add(ref);
    const sections = LOOKUP[role];
    if (!sections.some((s) => defs[s].has(ref))) {
      out.push({ path: p, target: 'value', code: 'COMPONENT_UNDEFINED', message: `${role.slice(0, -1)} '${ref}' used in ${formatPath(p)} is not defined under ${sections.join(' or ')}` });
      return;
    }
    if (role !== 'processors' && defs.connectors.has(ref) && !defs[role].has(ref)) {
      const use = connectors.get(ref) ?? { asReceiver: false, asExporter: false, firstPath: p };
      if (role === 'receivers') use.asReceiver = true;
      else use.asExporter = true;
      connectors.set(ref, use);
    }
  });
}
