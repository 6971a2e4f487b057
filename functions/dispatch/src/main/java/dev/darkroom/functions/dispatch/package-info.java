/** The dispatch function: queued jobs become Cloud Run GPU job executions. */
package dev.darkroom.functions.dispatch;
