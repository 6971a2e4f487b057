/** Per-tier limits: request rates, queued jobs and monthly GPU quotas ({@link dev.darkroom.core.limits.Admission}). */
package dev.darkroom.core.limits;
