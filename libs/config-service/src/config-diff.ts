import { FILE_HEADERS_ONLY, createTwoFilesPatch } from 'diff';
import type { StoredConfigFile } from './config-files.js';

/** How one file differs between two configs. */
export type FileChange = 'added' | 'removed' | 'changed';

/** The difference of one file; files equal on both sides are not listed. */
export interface FileDiff {
  readonly name: string;
  readonly change: FileChange;
  /** `null` on the side where the file does not exist. */
  readonly contentTypeBefore: string | null;
  readonly contentTypeAfter: string | null;
  /** True when either side is binary (stored base64): no text patch then. */
  readonly binary: boolean;
  /**
   * Unified diff (`--- a/name`, `+++ b/name`, `/dev/null` for a missing side); `null` for binary
   * files and when the bodies differ in more than {@link MAX_DIFF_EDITS} lines (`tooLarge`).
   */
  readonly patch: string | null;
  /** True when the line diff was abandoned after {@link MAX_DIFF_EDITS} edits. */
  readonly tooLarge: boolean;
}

/** A file of one side of a comparison, as stored (body text or base64). */
export type ComparedFile = Pick<StoredConfigFile, 'name' | 'contentType' | 'body' | 'encoding'>;

/**
 * Most changed lines a single file diff computes. Myers' algorithm costs O(N·D) for D edits,
 * so a bounded D keeps one request from pinning the CPU on two unrelated large files (2000 edits
 * over 100 000 lines take about a quarter of a second).
 */
export const MAX_DIFF_EDITS = 2_000;

/**
 * The per-file differences from `before` to `after`, in file-name order: files only in `after`
 * are `added`, only in `before` `removed`, and on both sides with another body or content type
 * `changed`. Text bodies get a unified diff with three lines of context.
 */
export function diffConfigFiles(before: readonly ComparedFile[], after: readonly ComparedFile[]): FileDiff[] {
  const old = new Map(before.map((file) => [file.name, file]));
  const current = new Map(after.map((file) => [file.name, file]));
  const names = [...new Set([...old.keys(), ...current.keys()])].sort(compareNames);
  const diffs: FileDiff[] = [];
  for (const name of names) {
    const a = old.get(name);
    const b = current.get(name);
    if (a !== undefined && b !== undefined && sameFile(a, b)) continue;
    diffs.push(fileDiff(name, a, b));
  }
  return diffs;
}

function fileDiff(name: string, a: ComparedFile | undefined, b: ComparedFile | undefined): FileDiff {
  const change: FileChange = a === undefined ? 'added' : b === undefined ? 'removed' : 'changed';
  const binary = a?.encoding === 'base64' || b?.encoding === 'base64';
  const base = { name, change, contentTypeBefore: a?.contentType ?? null, contentTypeAfter: b?.contentType ?? null, binary };
  if (binary) return Object.freeze({ ...base, patch: null, tooLarge: false });
  const patch = createTwoFilesPatch(
    a === undefined ? '/dev/null' : `a/${name}`,
    b === undefined ? '/dev/null' : `b/${name}`,
    a?.body ?? '',
    b?.body ?? '',
    undefined,
    undefined,
    { context: 3, maxEditLength: MAX_DIFF_EDITS, headerOptions: FILE_HEADERS_ONLY },
  );
  return Object.freeze({ ...base, patch: patch ?? null, tooLarge: patch === undefined });
}

function sameFile(a: ComparedFile, b: ComparedFile): boolean {
  return a.contentType === b.contentType && a.encoding === b.encoding && a.body === b.body;
}

/** UTF-8 byte order, the order of the config hash (and of stored files). */
function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
