package dev.darkroom.functions.api;

/**
 * What one request, one user or one instance of the api may cost, so that no tenant's requests
 * take memory or quota from the others (issue 19). Each is an environment variable, read by
 * {@link ApiConfig}:
 *
 * @param signedUrlsPerRequest {@code SIGNED_URLS_PER_REQUEST} (default 50): the most URLs one answer
 *     signs anew (each an IAM signBlob call); past it, outputs get a stable URL that signs when followed
 * @param listingMaxBytes {@code LISTING_MAX_BYTES} (default 16 MiB): the most bytes of entries one
 *     {@code /history} or {@code /queue} answer shows (prompts included); entries past it are left
 *     out, the answer says so with {@code Darkroom-Listing-Truncated: true}, and clients page with
 *     {@code max_items}/{@code offset}
 * @param uploadsPerUser {@code UPLOADS_PER_USER} (default 2): uploads one user may have under way in
 *     one instance at once; more are refused with 429
 * @param uploadMemoryMb {@code UPLOAD_MEMORY_MB} (default 384): what all uploads under way may hold
 *     in one instance, in MiB (bodies as declared, masks by their pixels); past it, 429
 */
record ApiBounds(int signedUrlsPerRequest, int listingMaxBytes, int uploadsPerUser, int uploadMemoryMb) {
  /** A listing's budget must hold one entry with a prompt at its bounds. */
  static final int LEAST_LISTING_BYTES = 1024 * 1024;
}
