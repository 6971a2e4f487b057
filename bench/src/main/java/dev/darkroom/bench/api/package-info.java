/**
 * The API benchmarks (p1 submit latency, p2 throughput, the round-trip table): Darkroom's api
 * function on its host beside the local stack, against direct calls to the same emulators.
 */
package dev.darkroom.bench.api;
