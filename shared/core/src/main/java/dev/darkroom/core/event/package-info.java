/**
 * What runners report about a job (a sealed event family) and the pure rules that decide what
 * each event does to a job under duplicate and out-of-order delivery.
 */
package dev.darkroom.core.event;
