/** The models function: checks each file finalized in the models bucket before ComfyUI may load it. */
package dev.darkroom.functions.models;
