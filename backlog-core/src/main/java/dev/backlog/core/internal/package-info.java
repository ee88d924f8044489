/** Implementation details of the core; not an API, never used by other modules. */
package dev.backlog.core.internal;
