package dev.darkroom.gcp;

import com.google.cloud.ReadChannel;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.darkroom.core.port.ModelFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.Arrays;

/**
 * {@link ModelFiles} on the models bucket: every read names the object's generation, so a file
 * replaced while it is checked answers 404 (a {@link FileNotFoundException}) instead of mixing
 * bytes. A ranged read is one request for {@code offset..offset+length} ({@code seek} and
 * {@code limit} on the client's reader), so a header check never downloads the weights.
 */
public final class GcsModelFiles implements ModelFiles {
  private final Storage storage;
  private final String bucket;

  public GcsModelFiles(Storage storage, String bucket) {
    this.storage = storage;
    this.bucket = bucket;
  }

  @Override
  public byte[] read(String objectName, long generation, long offset, int length) throws IOException {
    try (ReadChannel reader = storage.reader(BlobId.of(bucket, objectName, generation))) {
      reader.seek(offset);
      reader.limit(offset + length);
      reader.setChunkSize(Math.max(length, 2 * 1024 * 1024));
      ByteBuffer buffer = ByteBuffer.allocate(length);
      while (buffer.hasRemaining() && reader.read(buffer) >= 0) {
        // until the range is read or the object ends
      }
      return Arrays.copyOf(buffer.array(), buffer.position());
    } catch (StorageException | IOException e) {
      throw translated(objectName, generation, e);
    }
  }

  @Override
  public InputStream open(String objectName, long generation) throws IOException {
    ReadChannel reader = storage.reader(BlobId.of(bucket, objectName, generation));
    reader.setChunkSize(8 * 1024 * 1024);
    InputStream in = Channels.newInputStream(reader);
    return new java.io.FilterInputStream(in) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return super.read(b, off, len);
        } catch (StorageException | IOException e) {
          throw translated(objectName, generation, e);
        }
      }
    };
  }

  /**
   * A read's failure as callers see it: the client's {@link StorageException} (thrown as is, or as
   * the cause of the channel's {@link IOException}) becomes {@link FileNotFoundException} for a 404
   * and an {@link IOException} naming the object otherwise; any other {@link IOException} is kept.
   */
  private IOException translated(String objectName, long generation, Exception failure) {
    StorageException e;
    if (failure instanceof StorageException storage) {
      e = storage;
    } else if (failure.getCause() instanceof StorageException cause) {
      e = cause;
    } else {
      return (IOException) failure;
    }
    if (e.getCode() == 404) {
      FileNotFoundException gone = new FileNotFoundException("gs://" + bucket + "/" + objectName + " has no generation "
          + generation);
      gone.initCause(e);
      return gone;
    }
    return new IOException("reading gs://" + bucket + "/" + objectName + "#" + generation + ": " + e.getMessage(), e);
  }
}
