/**
 * The local cloud: Google's Firestore and Pub/Sub emulators plus our own Eventarc bridge, Cloud
 * Storage and Cloud Run Jobs emulators, all on 127.0.0.1, driven by the official clients.
 */
package dev.darkroom.emulators;
