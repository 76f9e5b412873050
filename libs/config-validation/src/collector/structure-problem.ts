import type { PathSegment } from '../problem.js';

/** A Collector structure problem before file and source position are attached. */
export interface StructureProblem {
  readonly path: readonly PathSegment[];
  /** Whether the problem is about the map key at `path` (e.g. an unknown key) or its value. */
  readonly target: 'key' | 'value';
  readonly code: string;
  readonly message: string;
}
