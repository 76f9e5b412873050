/** The camelCase form of an UPPER_SNAKE_CASE name, at the type level: `ADMIN_PORT` → `adminPort`. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Lowercase<Head>}${Capitalize<CamelCase<Tail>>}`
  : Lowercase<S>;

/** The camelCase form of an UPPER_SNAKE_CASE name: `SHUTDOWN_TIMEOUT_MS` → `shutdownTimeoutMs`. */
export function toCamelCase<S extends string>(name: S): CamelCase<S> {
  const [head = '', ...tail] = name.toLowerCase().split('_');
  return (head + tail.map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')) as CamelCase<S>;
}
