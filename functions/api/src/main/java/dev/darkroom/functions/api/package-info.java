/** The api function: ComfyUI's HTTP API (and Darkroom's own routes) over the core use cases. */
package dev.darkroom.functions.api;
