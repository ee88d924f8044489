/** Implementation details of the tracker API; not for use outside this module. */
package dev.backlog.tracker.internal;
