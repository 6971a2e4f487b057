package dev.darkroom.emulators.storage;

/** One bucket: the content of its {@code .bucket.json}. */
record StoredBucket(String name, String project, String location, String storageClass, String timeCreated) {}
