/**
 * In-memory fakes of the core ports and the contract tests that every fake and every real
 * adapter must pass, so the fakes cannot drift from the real thing.
 */
package dev.darkroom.testing;
