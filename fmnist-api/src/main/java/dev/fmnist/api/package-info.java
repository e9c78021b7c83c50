/**
 * The plugin SPI of the fmnist platform: what a model plugin implements ({@link dev.fmnist.api.ModelPlugin})
 * and the small value types it exchanges with the platform.
 *
 * <p>This package is stable: new capabilities arrive as default methods, so a plugin built against an
 * older version keeps working. It depends on DL4J's network configuration API and nothing else.
 */
package dev.fmnist.api;
