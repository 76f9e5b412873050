import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { vegaTextWidth } from './text-width.js';

// Vega exports its scenegraph's text metrics at run time, but its typings do not declare them.
const { textMetrics } = vega as unknown as { textMetrics: { width: typeof vegaTextWidth } };

/**
 * Renders a Vega-Lite spec to an SVG document headlessly: no canvas, text laid out with
 * Helvetica's metrics (text-width.ts). Same spec, same SVG.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  textMetrics.width = vegaTextWidth;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
