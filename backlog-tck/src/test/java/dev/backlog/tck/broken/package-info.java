/** Deliberately broken stores that prove the contracts catch real defects. */
package dev.backlog.tck.broken;
