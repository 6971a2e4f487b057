/**
 * One class per group of routes, each turning HTTP into a use case call and its result into a reply.
 * A group uses the http layer and the views, never another group or the router.
 */
package dev.darkroom.functions.api.routes;
