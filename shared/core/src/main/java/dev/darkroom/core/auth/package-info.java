/**
 * Who is calling: a {@link dev.darkroom.core.auth.Caller}, or a precise {@link dev.darkroom.core.auth.AuthFailure};
 * the data that ports and use cases ({@code usecase.Authenticator}, {@code usecase.ApiKeys}) share.
 */
package dev.darkroom.core.auth;
