/** The notify function: webhooks, push and integration events when a job ends. */
package dev.darkroom.functions.notify;
