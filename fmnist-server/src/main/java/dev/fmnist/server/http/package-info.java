/**
 * The HTTP side, a thin adapter over {@code server.inference}: the route table and its guard (the API key, Host and
 * Origin checks), the routes by concern, the protocol's JSON and binary tensor forms, posted images, and the
 * statuses of the error kinds ({@link dev.fmnist.server.http.HttpErrors}).
 */
package dev.fmnist.server.http;
