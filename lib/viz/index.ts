// Notebook display and static figure export.
export type { Figure } from './figure';
export { figureJson } from './figure';
export type { RenderOptions } from './renderFigure';
export { renderFigure, closeFigureRenderer, chromiumPath } from './renderFigure';
export { exportFigure, figuresDir } from './exportFigure';
export { showFigure, figureBundle, PLOTLY_MIME } from './showFigure';
export type { MimeBundle } from './displayBundle';
export { displayBundle } from './displayBundle';
export type { ImageRowOptions } from './imageGrid';
export { imageRowPng, showImages } from './imageGrid';
