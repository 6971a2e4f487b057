/**
 * The runs function: a deployment run published on an integration's inbound topic becomes a job, as
 * the user that topic is configured for; bad messages are acknowledged and reported.
 */
package dev.darkroom.functions.runs;
