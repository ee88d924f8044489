/**
 * Git coordination: a per-mission coordination branch, lane worktrees, crash-safe bookkeeping
 * transactions and serialized merges over the git CLI.
 */
package dev.backlog.git.coordination;
