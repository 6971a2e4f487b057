/**
 * The model import job (a Cloud Run job): one task streams one import's URL into the models
 * bucket and keeps the model's record telling its progress and end.
 */
package dev.darkroom.modelimport;
