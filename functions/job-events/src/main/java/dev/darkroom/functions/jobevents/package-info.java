/** The job-events function: the state machine over what runners report. */
package dev.darkroom.functions.jobevents;
