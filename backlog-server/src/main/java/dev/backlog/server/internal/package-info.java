/**
 * The server's routes, request guard, event stream and board assets; not for use by other modules.
 */
package dev.backlog.server.internal;
