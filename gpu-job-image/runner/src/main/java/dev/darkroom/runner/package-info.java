/**
 * The runner inside each Cloud Run GPU task: claims the jobs handed to its task, runs each on the
 * engine (ComfyUI), uploads the outputs and reports every step as a {@code JobEvent}.
 */
package dev.darkroom.runner;
