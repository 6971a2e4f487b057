package dev.darkroom.testing;

import dev.darkroom.core.port.DeviceTokens;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Device tokens in memory: one owner per token, so registering a token again moves it. */
public final class InMemoryDeviceTokens implements DeviceTokens {
  public final Map<String, String> userByToken = new LinkedHashMap<>();

  @Override
  public synchronized List<String> forUser(String userId) {
    return userByToken.entrySet().stream().filter(e -> e.getValue().equals(userId)).map(Map.Entry::getKey).toList();
  }

  @Override
  public synchronized void remove(String token) {
    userByToken.remove(token);
  }

  @Override
  public synchronized void register(String token, String userId, String platform) {
    userByToken.put(token, userId);
  }
}
