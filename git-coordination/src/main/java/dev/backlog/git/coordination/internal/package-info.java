/**
 * Internals of git coordination: the operations behind {@code Coordinator} (missions, lanes, safe
 * commit, recovery, merges, doctor), the git process runner, locks, the intent journal and file
 * helpers; not for use by other modules.
 */
package dev.backlog.git.coordination.internal;
