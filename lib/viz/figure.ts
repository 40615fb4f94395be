// A plotly figure as plain JSON: what plotly.js draws and what the notebook mime bundle carries.

export interface Figure {
  data: Array<Record<string, unknown>>;
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

// Every `title` in plotly.js 3+ (layout, axes, legend, colorbar, pie) is an object; a bare string is
// ignored and the chart silently loses its title. Fail loudly instead.
function checkTitles(value: unknown, path: string): void {
  if (!value || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'title' && typeof child === 'string') {
      throw new Error(`figure ${path}.title is the string ${JSON.stringify(child)}; plotly needs {text: ${JSON.stringify(child)}}`);
    }
    checkTitles(child, `${path}.${key}`);
  }
}

// Returns the figure as plain JSON after checking its shape. Typed arrays become arrays
// (JSON.stringify would turn a Float32Array into {"0": ...}).
export function figureJson(fig: Figure): Figure {
  if (!fig || !Array.isArray(fig.data)) throw new Error('figure must be {data: [...traces], layout?: {...}}');
  checkTitles(fig.layout, 'layout');
  checkTitles(fig.data, 'data');
  const text = JSON.stringify(fig, (_key, value: unknown) =>
    ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as unknown as ArrayLike<number>) : value);
  return JSON.parse(text) as Figure;
}
