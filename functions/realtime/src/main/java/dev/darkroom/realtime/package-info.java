/**
 * The realtime gateway: ComfyUI's {@code /ws} as a Cloud Run service that follows the Firestore job
 * documents of each connected client and turns their changes into ComfyUI's messages, in ComfyUI's order.
 */
package dev.darkroom.realtime;
