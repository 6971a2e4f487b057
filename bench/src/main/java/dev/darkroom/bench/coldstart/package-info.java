/**
 * P3, cold start: each deployable started as it ships (its own runtime classpath, on the Functions
 * Framework invoker for functions) until its first good answer, against hello-world on the same JVM.
 */
package dev.darkroom.bench.coldstart;
