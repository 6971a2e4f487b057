/**
 * ComfyUI's own protocol (HTTP + WebSocket), spoken by {@link dev.darkroom.runner.comfy.ComfyClient}
 * so that the rest of the runner sees only {@link dev.darkroom.runner.PromptEngine}.
 */
package dev.darkroom.runner.comfy;
