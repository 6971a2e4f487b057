/**
 * Deployments: a saved, versioned workflow with a typed input schema, run by naming its inputs
 * instead of shipping the whole graph. The schema's checks and the filling of the workflow live here.
 */
package dev.darkroom.core.deployment;
