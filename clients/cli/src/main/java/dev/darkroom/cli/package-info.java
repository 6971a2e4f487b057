/**
 * {@code ./darkroom run}: runs a ComfyUI API-format workflow on a Darkroom, local or deployed,
 * shows its progress and downloads its outputs, through the public HTTP API only.
 */
package dev.darkroom.cli;
