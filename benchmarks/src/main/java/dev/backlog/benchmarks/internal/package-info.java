/**
 * Scenarios, workloads, bulk loaders, measurements and the report generator behind the benchmark
 * driver.
 */
package dev.backlog.benchmarks.internal;
