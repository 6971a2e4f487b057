/**
 * Keeping GPU tasks warm through quiet spells: how many idle tasks stay up, decided from recent
 * arrivals under a daily idle budget, within the GPU pool's cap, and pinned schedules operators set.
 */
package dev.darkroom.core.warm;
