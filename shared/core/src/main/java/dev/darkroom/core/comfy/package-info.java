/**
 * ComfyUI's node catalog ({@code /object_info}) and Darkroom's one prompt policy ({@link
 * dev.darkroom.core.comfy.PromptPolicy}): bounds, structure, and ComfyUI's validation reproduced
 * rule for rule ({@link dev.darkroom.core.comfy.CatalogCheck}), so that Darkroom refuses exactly what
 * a ComfyUI server would refuse, with the same error shapes.
 */
package dev.darkroom.core.comfy;
