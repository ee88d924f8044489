/** The chaos and soak driver's entry point: {@code ./backlog-chaos quick|full [--minutes N]}. */
package dev.backlog.chaos;
