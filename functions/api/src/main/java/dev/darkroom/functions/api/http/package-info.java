/**
 * The api function's HTTP layer: routing ({@link dev.darkroom.functions.api.http.ComfyApi}), CORS
 * ({@link dev.darkroom.functions.api.http.CrossOrigin}), the call, bounded request bodies, replies and
 * error shapes. It knows no route and no view.
 */
package dev.darkroom.functions.api.http;
