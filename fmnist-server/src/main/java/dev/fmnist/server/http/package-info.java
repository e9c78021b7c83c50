/** The HTTP side: routes, the protocol's error objects, the API key, the demo page. */
package dev.fmnist.server.http;
