/** The thumbnails function: previews of image outputs, on Cloud Storage object-finalize events. */
package dev.darkroom.functions.thumbnails;
