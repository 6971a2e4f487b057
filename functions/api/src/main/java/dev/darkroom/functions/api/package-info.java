/**
 * The api function: ComfyUI's HTTP API (and Darkroom's own routes) over the core use cases; the entry
 * class wires {@code http} (routing, replies), {@code routes} (one class per group) and {@code views}.
 */
package dev.darkroom.functions.api;
