/**
 * The dispatch simulation: Darkroom's real dispatch and runner-claim code on a virtual clock, with a
 * GPU cost model and arrival traces, against one execution per prompt and an always-on pool.
 */
package dev.darkroom.bench.sim;
