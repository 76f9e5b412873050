/** Rewrites the protobufjs import to a `.js` subpath and pins `long` in static modules. */
export function postProcessJs(js: string, sources: string[]): string;
/** Replaces pbts's `import Long = require("long")` with an ES default import. */
export function postProcessDts(dts: string, sources: string[]): string;
