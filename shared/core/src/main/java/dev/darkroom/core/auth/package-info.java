/**
 * Who is calling: a {@link dev.darkroom.core.auth.Caller}, or a precise {@link dev.darkroom.core.auth.AuthFailure};
 * the data that ports and use cases ({@code usecase.Authenticator}, {@code usecase.ApiKeys}) share; and from
 * which web pages a browser may call ({@link dev.darkroom.core.auth.AllowedOrigins}).
 */
package dev.darkroom.core.auth;
