// The value the PGlite template global setup hands to the test files.
declare module 'vitest' {
  export interface ProvidedContext {
    /** Data directory of a migrated PGlite cluster; copy it, never open it directly. */
    pgliteTemplate: string;
  }
}

export {};
