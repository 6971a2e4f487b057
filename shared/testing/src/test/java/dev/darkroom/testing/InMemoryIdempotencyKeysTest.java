package dev.darkroom.testing;

import dev.darkroom.core.port.IdempotencyKeys;

class InMemoryIdempotencyKeysTest extends IdempotencyKeysContract {
  private final InMemoryIdempotencyKeys keys = new InMemoryIdempotencyKeys();

  @Override
  protected IdempotencyKeys keys() {
    return keys;
  }
}
