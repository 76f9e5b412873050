/** @shepherd/testing: helpers for tests only; never imported by production code. */
export { waitFor, type WaitForOptions } from './wait-for.js';
export { uniqueName } from './unique-name.js';
export { testEngines } from './engines.js';
