/**
 * Scenarios, fault injectors, invariant checks and the reliability report; used by no other module.
 */
package dev.backlog.chaos.internal;
