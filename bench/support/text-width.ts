/**
 * Text widths for Vega's layout without a canvas. Vega's own fallback guesses 0.8 em per
 * character, about half again too wide for Helvetica, so titles and legends claimed far more
 * room than they use and charts came out with wide blank margins.
 */

// Helvetica advance widths in 1/1000 em for ' ' (32) .. '~' (126), from its AFM metrics.
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
  722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260,
  334, 584,
];
/** Anything outside printable ASCII: an average lower-case letter. */
const OTHER = 556;
/** Bold Helvetica is about this much wider on average. */
const BOLD = 1.08;
/** Room for a viewer without Helvetica or Arial (DejaVu Sans, common on Linux, is about this much wider). */
const FALLBACK_FONT_MARGIN = 1.12;

/** Width in pixels of `text` set in Helvetica at `fontSize` px, bold or not, plus the margin for fallback fonts. */
export function helveticaWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    units += code >= 32 && code <= 126 ? HELVETICA[code - 32]! : OTHER;
  }
  return (units / 1000) * fontSize * (bold ? BOLD : 1) * FALLBACK_FONT_MARGIN;
}

/** The item fields Vega passes to `textMetrics.width`. */
interface TextItem {
  readonly fontSize?: number;
  readonly fontWeight?: string | number;
  readonly text?: unknown;
  readonly limit?: number;
}

const isBold = (weight: TextItem['fontWeight']): boolean => weight === 'bold' || weight === 'bolder' || (typeof weight === 'number' && weight >= 600) || (typeof weight === 'string' && Number(weight) >= 600);

/** A `textMetrics.width(item, text)` for Vega: measures `text`, or the item's own text when none is given. */
export function vegaTextWidth(item: TextItem, text?: unknown): number {
  const value = text ?? item.text;
  const line = value === undefined || value === null ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  return helveticaWidth(line, item.fontSize ?? 11, isBold(item.fontWeight));
}
