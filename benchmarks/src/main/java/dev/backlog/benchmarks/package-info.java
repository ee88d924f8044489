/**
 * The benchmark driver's entry point: runs the load scenarios and writes the results and the
 * report.
 */
package dev.backlog.benchmarks;
