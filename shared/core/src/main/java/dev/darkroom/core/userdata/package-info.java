/**
 * ComfyUI's per-user storage ({@code /userdata}, {@code /settings}) over the {@code UserFiles} port: its path
 * rules, Darkroom's size limits, and the settings file kept among the user's files as ComfyUI keeps it.
 */
package dev.darkroom.core.userdata;
