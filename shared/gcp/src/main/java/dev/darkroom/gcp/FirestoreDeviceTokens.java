package dev.darkroom.gcp;

import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import dev.darkroom.core.port.DeviceTokens;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * {@link DeviceTokens} in Firestore: one document per FCM registration token,
 * {@code devices/{token}} with a {@code userId} field (the app writes it after sign-in).
 */
public final class FirestoreDeviceTokens implements DeviceTokens {
  private final Firestore firestore;
  private final String collection;

  public FirestoreDeviceTokens(Firestore firestore, String collection) {
    this.firestore = firestore;
    this.collection = collection;
  }

  @Override
  public List<String> forUser(String userId) {
    try {
      return firestore.collection(collection).whereEqualTo("userId", userId).get().get().getDocuments().stream()
          .map(QueryDocumentSnapshot::getId).toList();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw GoogleErrors.translated(new IllegalStateException("reading the devices of " + userId + " failed", e.getCause()));
    }
  }

  @Override
  public void remove(String token) {
    try {
      firestore.collection(collection).document(token).delete().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw GoogleErrors.translated(new IllegalStateException("forgetting a device token failed", e.getCause()));
    }
  }

  /** One document per token: a token registered again by another user simply changes hands. */
  @Override
  public void register(String token, String userId, String platform) {
    try {
      firestore.collection(collection).document(token).set(java.util.Map.of(
          "userId", userId, "platform", platform, "registeredAt", com.google.cloud.Timestamp.now())).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw GoogleErrors.translated(new IllegalStateException("registering a device token failed", e.getCause()));
    }
  }
}
