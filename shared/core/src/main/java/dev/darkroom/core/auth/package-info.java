/**
 * Who is calling: Firebase ID tokens and Darkroom API keys turned into a {@link
 * dev.darkroom.core.auth.Caller}, or a precise {@link dev.darkroom.core.auth.AuthFailure}.
 */
package dev.darkroom.core.auth;
