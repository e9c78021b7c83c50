/** PNG pictures: XChart for curves, heatmaps and bars; Java2D grids for images with their predictions. */
package dev.fmnist.eval.charts;
