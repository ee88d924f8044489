/**
 * The store conformance kit: abstract JUnit 5 and jqwik contracts that every {@link
 * dev.backlog.core.spi.BacklogStore} implementation extends with a factory method.
 */
package dev.backlog.tck;
