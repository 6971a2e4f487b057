package dev.darkroom.core.port;

import java.net.URI;

/**
 * Stages an image a deployment run gives by URL or as bytes among the caller's input files, as
 * {@code POST /upload/image} would store it, under a name derived from its content (so a retried
 * run stages one file). The adapter fetches URLs under the outbound URL policy and checks that
 * the bytes are an image by their first bytes.
 */
public interface InputImages {

  /** What became of an image: the input file's name, or why it was refused (said to the caller). */
  sealed interface Staged {
    record Name(String name) implements Staged {}

    record Refused(String why) implements Staged {}
  }

  /** Fetches {@code url} (bounded in size and time, every redirect checked) and stages it. */
  Staged fromUrl(String userId, URI url);

  /** Stages {@code content}, already bounded by the caller. */
  Staged fromBytes(String userId, byte[] content);
}
