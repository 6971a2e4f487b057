package dev.darkroom.core.port;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Writes model files into the models bucket as a stream (a resumable upload in the cloud), so a
 * multi-GB file never sits in memory. The object appears only when an upload is finished, and
 * then the bucket's finalize event has the file checked like any other.
 */
public interface ModelFileUploads {

  /** Starts writing {@code objectName} with {@code metadata} on the object; nothing is visible yet. */
  Upload start(String objectName, Map<String, String> metadata) throws IOException;

  /** One upload in progress. */
  interface Upload {
    /** Where the bytes go, in order. */
    OutputStream body();

    /** Makes the object visible with every byte written. */
    void finish() throws IOException;

    /** Drops what was written: no object appears (the unfinished upload expires on its own). */
    void abandon();
  }
}
