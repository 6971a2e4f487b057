/**
 * The reconcile function: a scheduled sweep that finds jobs the event-driven path left behind
 * (never dispatched, never claimed, lost with their task) and sets them moving again.
 */
package dev.darkroom.functions.reconcile;
