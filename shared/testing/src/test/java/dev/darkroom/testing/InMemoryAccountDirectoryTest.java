package dev.darkroom.testing;

import dev.darkroom.core.port.AccountDirectory;
import java.util.UUID;

class InMemoryAccountDirectoryTest extends AccountDirectoryContract {
  private final InMemoryAccountDirectory directory = new InMemoryAccountDirectory();

  @Override
  protected AccountDirectory directory() {
    return directory;
  }

  @Override
  protected String newUser() {
    return directory.add("u-" + UUID.randomUUID(), null);
  }

  @Override
  protected void setTier(String userId, String tier) {
    directory.setTier(userId, tier);
  }

  @Override
  protected void makeAdmin(String userId) {
    directory.setTier(userId, null);
    directory.setAdmin(userId, true);
  }

  @Override
  protected void disable(String userId) {
    directory.disable(userId);
  }

  @Override
  protected void revokeSessions(String userId) {
    directory.revokeSessions(userId);
  }

  @Override
  protected void delete(String userId) {
    directory.delete(userId);
  }
}
