package dev.darkroom.testing;

import dev.darkroom.core.port.JobLiveStream;

class InMemoryJobLiveStreamTest extends JobLiveStreamContract {
  private final InMemoryJobLiveStream stream = new InMemoryJobLiveStream();

  @Override
  protected JobLiveStream stream() {
    return stream;
  }
}
