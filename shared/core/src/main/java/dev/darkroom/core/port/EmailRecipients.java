package dev.darkroom.core.port;

import java.util.Optional;

/** The address each user who opted in to email notifications gave (Cloud SQL in the cloud). */
public interface EmailRecipients {
  Optional<String> addressOf(String userId);

  void optIn(String userId, String address);

  /** @return whether the user had opted in */
  boolean optOut(String userId);
}
