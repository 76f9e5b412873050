/**
 * @shepherd/config-validation: checks OpenTelemetry Collector config files
 * before they are accepted (syntax with positions, Collector structure, OTTL
 * statement syntax).
 */
export { validateConfigFiles } from './validate-config-files.js';
export { ConfigValidationError } from './errors.js';
export type { ConfigFileInput, ConfigProblem } from './problem.js';
export { parseOttlStatement } from './ottl/parser.js';
export { OttlSyntaxError } from './ottl/ottl-syntax-error.js';
