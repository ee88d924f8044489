/**
 * The backlog inside a Maven build: goals that import a plan, hold a card's lease for as long as
 * the build runs (completing or failing it with the build's outcome), print the queue and render
 * the tracker; also usable as a build extension that wraps any build.
 */
package dev.backlog.maven;
