import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { PathSegment } from '../problem.js';
import type { ParseResult, SourcePosition } from './parsed-document.js';

/** Parses YAML, keeping node ranges so problems can point at lines and columns. */
export function parseYaml(text: string): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { message: firstLine(e.message), position: { line: pos.line, column: pos.col } };
      }),
    };
  }
  const at = (offset: number | undefined): SourcePosition | undefined => {
    if (offset === undefined) return undefined;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  return {
    ok: true,
    doc: {
      value: doc.toJS({ maxAliasCount: 100 }) as unknown,
      locate: (path, target = 'value') => at(findOffset(doc.contents, path, target)),
    },
  };
}

function findOffset(root: unknown, path: readonly PathSegment[], target: 'key' | 'value'): number | undefined {
  let node: unknown = root;
  let keyNode: unknown;
  for (const seg of path) {
    keyNode = undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(seg));
      if (pair === undefined) return undefined;
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
    } else {
      return undefined;
    }
  }
  const chosen = target === 'key' && keyNode !== undefined ? keyNode : node;
  return (chosen as Node | null | undefined)?.range?.[0];
}

function keyText(key: unknown): string | undefined {
  if (key !== null && typeof key === 'object' && 'value' in key) return String((key as { value: unknown }).value);
  return key === null || key === undefined ? undefined : String(key);
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
