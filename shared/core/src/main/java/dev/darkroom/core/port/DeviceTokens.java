package dev.darkroom.core.port;

import java.util.List;

/** The FCM registration tokens of users' devices (Firestore in the cloud). */
public interface DeviceTokens {
  List<String> forUser(String userId);

  /** Forgets a token FCM no longer accepts (app uninstalled, token rotated). */
  void remove(String token);

  /**
   * Registers a token for a user; a token already registered by another user moves to this one
   * (the device signed in as someone else).
   *
   * @param platform android, ios or web
   */
  void register(String token, String userId, String platform);
}
