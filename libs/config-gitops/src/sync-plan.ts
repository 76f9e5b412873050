import { formatSelector, type LabelSelector } from '@shepherd/config-service';
import type { DesiredConfig } from './config-directory.js';
import { GitopsDirectoryError } from './errors.js';
import type { AppliedDirectory } from './sync-state-repository.js';

/** A config directory of the fetched commit. */
export interface PresentDirectory {
  readonly directory: string;
  readonly treeOid: string;
}

/** A directory to (re)apply, and the selector it leaves behind (when its selector changed and nothing else claims it). */
export interface PlannedCreate {
  readonly desired: DesiredConfig;
  readonly releases?: LabelSelector;
}

/** A directory that left the repository: forget it, deactivating its selector when nothing else claims it. */
export interface PlannedRemoval {
  readonly directory: string;
  readonly deactivate?: LabelSelector;
}

/** What one sync does, decided before anything is written. */
export interface SyncPlan {
  /** In directory order. */
  readonly creates: readonly PlannedCreate[];
  readonly removals: readonly PlannedRemoval[];
  /** Directories refused by the plan (a selector another directory holds). */
  readonly refused: ReadonlyMap<string, GitopsDirectoryError>;
}

/** Inputs of {@link planSync}. */
export interface PlanInput {
  readonly present: readonly PresentDirectory[];
  readonly applied: ReadonlyMap<string, AppliedDirectory>;
  /** The directories read this sync (changed since applied) and successfully parsed. */
  readonly parsed: ReadonlyMap<string, DesiredConfig>;
}

/**
 * Decides what to create and deactivate. Each selector belongs to one directory: directories
 * that keep their applied selector (unchanged, failed or unparsable now) hold theirs first, then
 * changed directories claim theirs in name order; a directory whose selector is already held is
 * refused (its previous config stays). A selector no present directory holds any more is
 * deactivated: a removed directory's, or the old one of a directory whose selector changed.
 */
export function planSync(input: PlanInput): SyncPlan {
  const { present, applied, parsed } = input;
  const holders = new Map<string, string>();
  const claim = (key: string, directory: string): boolean => {
    const holder = holders.get(key);
    if (holder !== undefined && holder !== directory) return false;
    holders.set(key, directory);
    return true;
  };
  for (const { directory } of present) {
    const previous = applied.get(directory);
    if (!parsed.has(directory) && previous !== undefined) claim(formatSelector(previous.selector), directory);
  }
  const accepted: DesiredConfig[] = [];
  const refused = new Map<string, GitopsDirectoryError>();
  for (const { directory } of present) {
    const desired = parsed.get(directory);
    if (desired === undefined) continue;
    if (claim(desired.selectorKey, directory)) {
      accepted.push(desired);
      continue;
    }
    const holder = holders.get(desired.selectorKey) as string;
    refused.set(directory, new GitopsDirectoryError(`${directory}: selector "${desired.selectorKey}" is already used by ${holder}`));
    const previous = applied.get(directory);
    if (previous !== undefined) claim(formatSelector(previous.selector), directory);
  }
  const unclaimed = (selector: LabelSelector): boolean => !holders.has(formatSelector(selector));
  const creates = accepted.map((desired): PlannedCreate => {
    const previous = applied.get(desired.directory);
    return previous !== undefined && unclaimed(previous.selector) ? { desired, releases: previous.selector } : { desired };
  });
  const presentNames = new Set(present.map((p) => p.directory));
  const removals = [...applied.values()]
    .filter((row) => !presentNames.has(row.directory))
    .map((row): PlannedRemoval => (unclaimed(row.selector) ? { directory: row.directory, deactivate: row.selector } : { directory: row.directory }));
  return { creates, removals, refused };
}
