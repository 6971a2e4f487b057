package dev.darkroom.gcp;

import com.google.cloud.WriteChannel;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import dev.darkroom.core.port.ModelFileUploads;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.util.Map;

/**
 * {@link ModelFileUploads} on the models bucket: a resumable upload ({@code storage.writer}), sent
 * in chunks of {@value #CHUNK_BYTES} bytes, so memory holds one chunk whatever the file's size.
 * The object exists only once the writer is closed ({@link Upload#finish}); an abandoned writer is
 * never closed, and Cloud Storage drops its unfinished session.
 */
public final class GcsModelFileUploads implements ModelFileUploads {
  static final int CHUNK_BYTES = 16 * 1024 * 1024;

  private final Storage storage;
  private final String bucket;

  public GcsModelFileUploads(Storage storage, String bucket) {
    this.storage = storage;
    this.bucket = bucket;
  }

  @Override
  public Upload start(String objectName, Map<String, String> metadata) throws IOException {
    WriteChannel writer;
    try {
      writer = storage.writer(BlobInfo.newBuilder(bucket, objectName).setContentType("application/octet-stream")
          .setMetadata(metadata).build());
    } catch (StorageException e) {
      throw new IOException("cannot start an upload of gs://" + bucket + "/" + objectName + ": " + e.getMessage(), e);
    }
    writer.setChunkSize(CHUNK_BYTES);
    // Closing the stream would finish the upload: only finish() may.
    OutputStream body = new FilterOutputStream(Channels.newOutputStream(writer)) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() {
        // finish() or abandon() decide
      }
    };
    return new Upload() {
      @Override
      public OutputStream body() {
        return body;
      }

      @Override
      public void finish() throws IOException {
        try {
          writer.close();
        } catch (StorageException e) {
          throw new IOException("cannot finish the upload of gs://" + bucket + "/" + objectName + ": "
              + e.getMessage(), e);
        }
      }

      @Override
      public void abandon() {
        // Never closed: no object appears, and the session expires on its own.
      }
    };
  }
}
