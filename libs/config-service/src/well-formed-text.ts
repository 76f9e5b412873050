// A lone surrogate cannot be encoded as UTF-8: Buffer.from would replace it with U+FFFD, so the
// stored text and the hashed bytes would differ. Such strings are refused instead.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `text` has no lone UTF-16 surrogate, i.e. it round-trips through UTF-8 unchanged. */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}
