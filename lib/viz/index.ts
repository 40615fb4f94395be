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
export type { Picture } from './picture';
export type { ImageTableOptions } from './imageTable';
export { imageTablePng, showImageTable } from './imageTable';
export { exportImages, exportImageTable } from './exportImages';
export type { Rgb } from './maskOverlay';
export { maskOverlay, maskChange, MASK_CHANGE_COLOURS } from './maskOverlay';
export type { HeatmapLevel, HeatmapOptions } from './heatmapFigure';
export { heatmapFigure, DIVERGING } from './heatmapFigure';
