package dev.darkroom.testing;

import dev.darkroom.core.port.EmailRecipients;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Email opt-ins in memory: one address per user, as the SQL table keeps them. */
public final class InMemoryEmailRecipients implements EmailRecipients {
  public final Map<String, String> addressByUser = new ConcurrentHashMap<>();

  @Override
  public Optional<String> addressOf(String userId) {
    return Optional.ofNullable(addressByUser.get(userId));
  }

  @Override
  public void optIn(String userId, String address) {
    addressByUser.put(userId, address);
  }

  @Override
  public boolean optOut(String userId) {
    return addressByUser.remove(userId) != null;
  }
}
