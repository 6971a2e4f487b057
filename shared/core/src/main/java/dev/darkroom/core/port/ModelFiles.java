package dev.darkroom.core.port;

import java.io.IOException;
import java.io.InputStream;

/**
 * The model files' bytes (the models bucket in the cloud), read by object generation so that a
 * check never mixes bytes of two uploads of one name.
 */
public interface ModelFiles {

  /**
   * Up to {@code length} bytes of the object's generation from {@code offset}: fewer only at the
   * end of the object.
   *
   * @throws java.io.FileNotFoundException if that generation no longer exists (replaced or deleted)
   * @throws IOException if the bytes could not be read (a transient failure)
   */
  byte[] read(String objectName, long generation, long offset, int length) throws IOException;

  /** The whole generation's bytes as a stream, for hashing; same exceptions as {@link #read}. */
  InputStream open(String objectName, long generation) throws IOException;
}
