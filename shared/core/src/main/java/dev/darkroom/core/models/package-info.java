/**
 * Model files: what makes a file in the models bucket usable (its safetensors header checked
 * without loading the weights).
 */
package dev.darkroom.core.models;
