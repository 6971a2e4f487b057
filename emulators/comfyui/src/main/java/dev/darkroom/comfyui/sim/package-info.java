/**
 * A simulated ComfyUI engine: ComfyUI's HTTP and WebSocket protocol over a CPU-only executor that
 * draws deterministic images stamped "SIMULATED". For tests and local runs; it is not ComfyUI.
 */
package dev.darkroom.comfyui.sim;
