import { describe, expect, it } from 'vitest';
import { OttlSyntaxError } from './ottl-syntax-error.js';
import { parseOttlStatement } from './parser.js';

/** Statements in the style of the transform processor / OTTL function docs. */
const VALID = [
  'set(attributes["user.id"], SHA256(attributes["user.id"])) where resource.attributes["env"] == "prod"',
  'delete_key(attributes, "http.request.header.cookie")',
  'set(status.message, "timeout_exceeded") where duration > Duration("3s")',
  'set(attributes["test"], "pass")',
  'set(attributes["test"], "pass") where name == "operationA"',
  'keep_keys(attributes, ["service.name", "service.namespace", "cloud.region"])',
  'replace_pattern(attributes["process.command_line"], "password\\\\=[^\\\\s]*(\\\\s?)", "password=***")',
  'limit(attributes, 100, [])',
  'truncate_all(attributes, 4096)',
  'set(status.code, 1) where attributes["http.path"] == "/health"',
  'replace_match(attributes["http.target"], "/user/*/list/*", "/user/{userId}/list/{listId}")',
  'set(attributes["source"], "internal") where IsMatch(attributes["http.url"], "^https://internal.*")',
  'merge_maps(attributes, ParseJSON(body), "upsert") where IsMatch(body, "^\\\\{")',
  'set(severity_text, "ERROR") where severity_number >= SEVERITY_NUMBER_ERROR',
  'set(span.attributes["joined"], Concat([span.attributes["a"], "b"], "-"))',
  'set(resource.attributes["k8s.pod.name"], nil) where not IsString(resource.attributes["k8s.pod.name"])',
  'convert_sum_to_gauge() where metric.name == "system.processes.count"',
  'set(attributes["duration_ms"], (end_time_unix_nano - start_time_unix_nano) / 1000000)',
  'set(cache["first"], Split(body, ",")[0])',
  'set(attributes["nested"], {"a": 1, "b": [1, 2.5, true, nil], "c": {}})',
  'set(attributes["server"], true) where (kind == SPAN_KIND_SERVER or kind == 2) and not (status.code == STATUS_CODE_ERROR)',
  'set(attributes["neg"], Int(attributes["y"]) * -1)',
  'set(trace_id, TraceID(0x0102030405060708090a0b0c0d0e0f10))',
  'flatten(attributes, depth=2)',
  'set(attributes["ok"], false) where IsMatch(name, "a") == true and attributes["n"] != nil',
  'set(attributes["ratio"], 1.5e3) where attributes["a"] <= 3 or attributes["b"] < -1.25',
  'set(attributes["msg"], "say \\"hi\\"\\n")',
  'delete_matching_keys(attributes, "(?i).*password.*")',
];

function errorOf(statement: string): OttlSyntaxError {
  try {
    parseOttlStatement(statement);
  } catch (err) {
    if (err instanceof OttlSyntaxError) return err;
    throw err;
  }
  throw new Error(`expected a syntax error for: ${statement}`);
}

describe('parseOttlStatement', () => {
  it.each(VALID)('accepts %s', (statement) => {
    expect(() => parseOttlStatement(statement)).not.toThrow();
  });

  it.each([
    ['unbalanced parentheses', 'set(attributes["a"], Concat(["a", "b"], "-")', 45, /expected ',' or '\)'/],
    ['missing where expression', 'set(attributes["a"], "b") where', 27, /missing condition after 'where'/],
    ['missing where expression with spaces', 'set(attributes["a"], "b") where   ', 27, /missing condition/],
    ['trailing garbage', 'set(attributes["a"], "b") foo', 27, /unexpected 'foo' after the editor call/],
    ['lower-case converter in an argument', 'set(attributes["a"], sha256(attributes["a"]))', 22, /'sha256\(' is an editor call.*Sha256/],
    ['converter as the statement', 'SHA256(attributes["a"])', 1, /'SHA256' is a converter/],
    ['single = in a condition', 'set(x, 1) where name = "x"', 22, /use '=='/],
    ['unterminated string', 'set(attributes["a"], "oops)', 22, /unterminated string/],
    ['missing comma', 'set(attributes["a"] "b")', 21, /expected ',' or '\)'/],
    ['dangling and', 'set(x, 1) where a == 1 and', 27, /unexpected end of statement/],
    ['invalid escape', 'set(x, "a\\q")', 10, /invalid escape/],
    ['dangling operator', 'set(x, 1 +)', 11, /unexpected '\)'/],
    ['non-boolean where clause', 'set(x, 1) where attributes["a"]', 17, /where clause must be a condition/],
    ['chained comparison', 'set(x, 1) where 1 < a < 3', 23, /cannot be chained/],
    ['comparison as an argument', 'set(x, a == 1)', 8, /only allowed in a where clause/],
    ['unexpected character', 'set(x, 1) where a == 1 && b == 2', 24, /unexpected character '&'/],
    ['deep nesting', `set(x, ${'['.repeat(5000)})`, 72, /nested more than 64 levels/],
    ['long not chain', `set(x, 1) where ${'not '.repeat(5000)}true`, 277, /nested more than 64 levels/],
    ['empty index', 'set(attributes[], 1)', 16, /empty index/],
  ])('rejects %s at the right column', (_name, statement, column, message) => {
    const err = errorOf(statement);
    expect(err.message).toMatch(message);
    expect(err.column).toBe(column);
  });
});
