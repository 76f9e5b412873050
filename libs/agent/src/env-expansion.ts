/** One problem found while expanding, with the key path of the value it is in. */
export interface ExpansionProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The environment variables expansion reads. */
export type EnvLookup = Readonly<Record<string, string | undefined>>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Deepest nesting walked; agent configs are a few levels deep, so more is a mistake or an attack. */
const MAX_DEPTH = 32;

/**
 * Expands `${NAME}` and `${NAME:-default}` in one string; `$$` is a literal
 * `$`. As in a shell, the default is used when the variable is unset or
 * empty. A variable without default that is unset is a problem (the
 * message names it), and so is a `${` that is not closed or not a name.
 */
export function expandString(text: string, env: EnvLookup): { value: string; problems: string[] } {
  const problems: string[] = [];
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0 || dollar === text.length - 1) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const close = text.indexOf('}', dollar + 2);
      if (close < 0) {
        problems.push(`unclosed "\${" at offset ${dollar}`);
        out += text.slice(dollar);
        break;
      }
      out += substitute(text.slice(dollar + 2, close), env, problems);
      i = close + 1;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return { value: out, problems };
}

function substitute(inner: string, env: EnvLookup, problems: string[]): string {
  const sep = inner.indexOf(':-');
  const name = sep < 0 ? inner : inner.slice(0, sep);
  if (!NAME.test(name)) {
    problems.push(`"\${${inner}}" is not a variable reference (use \${NAME} or \${NAME:-default})`);
    return '';
  }
  const value = env[name];
  if (sep >= 0) return value === undefined || value === '' ? inner.slice(sep + 2) : value;
  if (value === undefined) {
    problems.push(`environment variable ${name} is not set (use \${${name}:-default} for an optional one)`);
    return '';
  }
  return value;
}

/**
 * Expands every string value (never a key) of a parsed YAML/JSON tree,
 * returning a new tree and every problem with the key path it was found at.
 */
export function expandEnvInTree(tree: unknown, env: EnvLookup): { value: unknown; problems: ExpansionProblem[] } {
  const problems: ExpansionProblem[] = [];
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (path.length > MAX_DEPTH) {
      problems.push({ path, message: `nested deeper than ${MAX_DEPTH} levels` });
      return node;
    }
    if (typeof node === 'string') {
      const expanded = expandString(node, env);
      for (const message of expanded.problems) problems.push({ path, message });
      return expanded.value;
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, [...path, key])]));
    }
    return node;
  };
  return { value: walk(tree, []), problems };
}
