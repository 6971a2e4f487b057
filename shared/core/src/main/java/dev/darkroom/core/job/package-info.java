/**
 * Jobs: a submitted ComfyUI prompt, its status and the one transition table every component
 * checks against.
 */
package dev.darkroom.core.job;
