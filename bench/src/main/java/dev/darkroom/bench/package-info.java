/**
 * Benchmarks: each measures Darkroom against a baseline in the same run and prints the ratio,
 * because these machines are too noisy for absolute timings to mean much on their own.
 */
package dev.darkroom.bench;
