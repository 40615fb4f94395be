// Notebook display and static figure export.
export type { Figure, HeatmapLevel, HeatmapOptions } from './figure';
export { figureJson, heatmapFigure, DIVERGING } from './figure';
export type { RenderOptions } from './renderFigure';
export { renderFigure, closeFigureRenderer, chromiumPath } from './renderFigure';
export type { FigureFile } from './exportFigure';
export { exportFigure, exportImages, exportImageTable, writeFigure, figuresDir, canonicalSvg } from './exportFigure';
export type { MimeBundle } from './display';
export { displayBundle, showFigure, figureBundle, PLOTLY_MIME, showImages, showImageTable } from './display';
export type { ImageRowOptions, ImageTableOptions, Picture, Rgb } from './images';
export { imageRowPng, imageTablePng, maskOverlay, maskChange, MASK_CHANGE_COLOURS } from './images';
