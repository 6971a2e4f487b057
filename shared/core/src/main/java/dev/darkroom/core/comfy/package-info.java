/**
 * ComfyUI's node catalog ({@code /object_info}) and its prompt validation, reproduced rule for rule
 * so that Darkroom refuses exactly what a ComfyUI server would refuse, with the same error shapes.
 */
package dev.darkroom.core.comfy;
