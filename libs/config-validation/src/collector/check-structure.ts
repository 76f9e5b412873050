import { formatPath, type PathSegment } from '../problem.js';
import { COMPONENT_ID, COMPONENT_SECTIONS, isRecord, SERVICE_KEYS, TOP_LEVEL_KEYS, type ComponentDefinitions } from './collector-shape.js';
import { checkPipelines } from './check-pipelines.js';
import type { StructureProblem } from './structure-problem.js';

/**
 * Checks the shape of one Collector config document: known top-level and
 * service keys, component sections are maps with well-formed ids,
 * `service.extensions` and every pipeline reference name a defined component
 * (looked up in `defs`, which spans every file of the submission).
 */
export function checkCollectorStructure(doc: Readonly<Record<string, unknown>>, defs: ComponentDefinitions): StructureProblem[] {
  const out: StructureProblem[] = [];
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL_KEYS.has(key)) {
      out.push({ path: [key], target: 'key', code: 'CONFIG_UNKNOWN_KEY', message: `unknown top-level key '${key}'; allowed: ${[...TOP_LEVEL_KEYS].join(', ')}` });
    }
  }
  for (const section of COMPONENT_SECTIONS) checkSection(doc[section], section, out);
  if ('service' in doc) checkService(doc['service'], defs, out);
  return out;
}

function checkSection(value: unknown, section: string, out: StructureProblem[]): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) {
    out.push({ path: [section], target: 'value', code: 'CONFIG_SECTION_NOT_MAP', message: `${section} must be a map of component id to settings` });
    return;
  }
  for (const id of Object.keys(value)) {
    if (!COMPONENT_ID.test(id)) {
      out.push({ path: [section, id], target: 'key', code: 'COMPONENT_ID_INVALID', message: `'${id}' is not a valid component id; expected 'type' or 'type/name'` });
    }
  }
}

function checkService(service: unknown, defs: ComponentDefinitions, out: StructureProblem[]): void {
  if (!isRecord(service)) {
    out.push({ path: ['service'], target: 'value', code: 'CONFIG_SECTION_NOT_MAP', message: 'service must be a map' });
    return;
  }
  for (const key of Object.keys(service)) {
    if (!SERVICE_KEYS.has(key)) {
      out.push({ path: ['service', key], target: 'key', code: 'SERVICE_UNKNOWN_KEY', message: `unknown key 'service.${key}'; allowed: ${[...SERVICE_KEYS].join(', ')}` });
    }
  }
  checkServiceExtensions(service['extensions'], defs, out);
  if (service['pipelines'] === undefined || service['pipelines'] === null) {
    out.push({ path: ['service'], target: 'key', code: 'SERVICE_MISSING_PIPELINES', message: 'service.pipelines is required and must define at least one pipeline' });
    return;
  }
  checkPipelines(service['pipelines'], defs, out);
}

function checkServiceExtensions(value: unknown, defs: ComponentDefinitions, out: StructureProblem[]): void {
  if (value === undefined || value === null) return;
  const path: PathSegment[] = ['service', 'extensions'];
  if (!Array.isArray(value)) {
    out.push({ path, target: 'value', code: 'COMPONENT_LIST_INVALID', message: `${formatPath(path)} must be a list of extension ids` });
    return;
  }
  value.forEach((id: unknown, i) => {
    const p = [...path, i];
    if (typeof id !== 'string') {
      out.push({ path: p, target: 'value', code: 'COMPONENT_REF_INVALID', message: `${formatPath(p)} must be a component id string` });
    } else if (!defs.extensions.has(id)) {
      out.push({ path: p, target: 'value', code: 'COMPONENT_UNDEFINED', message: `extension '${id}' used in ${formatPath(p)} is not defined under extensions` });
    }
  });
}
