/**
 * How jobs are shown: v2 job resources and listings, ComfyUI's history and queue entries.
 * Views read jobs and build JSON; they answer no request themselves.
 */
package dev.darkroom.functions.api.views;
