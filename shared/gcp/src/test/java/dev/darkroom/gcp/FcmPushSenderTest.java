package dev.darkroom.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import com.google.api.client.testing.http.MockHttpTransport;
import com.google.api.client.testing.http.MockLowLevelHttpRequest;
import com.google.api.client.testing.http.MockLowLevelHttpResponse;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.messaging.FirebaseMessaging;
import dev.darkroom.core.port.PushSender;
import dev.darkroom.testing.PushSenderContract;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The real Firebase Admin SDK against a fake FCM HTTP v1 endpoint (its HttpTransport): what it
 * sends, and how FCM's error replies are read.
 */
class FcmPushSenderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UNREGISTERED = """
      {"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND",
       "details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}""";
  private static final String UNAVAILABLE = """
      {"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE",
       "details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNAVAILABLE"}]}}""";

  record Sent(String method, String url, String authorization, JsonNode body) {}

  private final List<Sent> requests = new CopyOnWriteArrayList<>();
  private FirebaseApp app;

  /** FCM's answer per token: success, or an error body for the tokens named. */
  private FcmPushSender sender(Map<String, String[]> errors) {
    MockHttpTransport fcm = new MockHttpTransport() {
      @Override
      public LowLevelHttpRequest buildRequest(String method, String url) {
        return new MockLowLevelHttpRequest(url) {
          @Override
          public LowLevelHttpResponse execute() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            getStreamingContent().writeTo(out);
            JsonNode body = JSON.readTree(out.toByteArray());
            requests.add(new Sent(method, url, getFirstHeaderValue("Authorization"), body));
            String token = body.path("message").path("token").asText();
            String[] error = errors.get(token);
            MockLowLevelHttpResponse response = new MockLowLevelHttpResponse().setContentType("application/json");
            return error == null
                ? response.setStatusCode(200).setContent("{\"name\":\"projects/demo-darkroom/messages/" + token + "\"}")
                : response.setStatusCode(Integer.parseInt(error[0])).setContent(error[1]);
          }
        };
      }
    };
    app = FirebaseApp.initializeApp(FirebaseOptions.builder()
        .setCredentials(GoogleCredentials.create(new AccessToken("test-token", new Date(Long.MAX_VALUE / 2))))
        .setProjectId("demo-darkroom")
        .setHttpTransport(fcm)
        .build(), "fcm-test-" + System.nanoTime());
    return new FcmPushSender(FirebaseMessaging.getInstance(app));
  }

  @AfterEach
  void deleteApp() {
    if (app != null) {
      app.delete();
    }
  }

  @Test
  void sendsOneHttpV1MessagePerTokenAndReportsTheUnregisteredOnes() {
    FcmPushSender push = sender(Map.of("tok-gone", new String[] {"404", UNREGISTERED}));

    PushSender.Result result = push.send(List.of("tok-phone", "tok-gone"), "Job succeeded", "Your job j1 succeeded.",
        Map.of("jobId", "j1", "status", "succeeded"), "n-1");

    assertThat(result.sent()).isEqualTo(1);
    assertThat(result.invalid()).containsExactly("tok-gone");
    assertThat(result.failed()).isEmpty();
    assertThat(requests).hasSize(2).allSatisfy(r -> {
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.url()).isEqualTo("https://fcm.googleapis.com/v1/projects/demo-darkroom/messages:send");
      assertThat(r.authorization()).isEqualTo("Bearer test-token");
      JsonNode message = r.body().path("message");
      assertThat(message.path("notification").path("title").asText()).isEqualTo("Job succeeded");
      assertThat(message.path("data").path("jobId").asText()).isEqualTo("j1");
      assertThat(message.path("android").path("collapse_key").asText()).isEqualTo("n-1");
      assertThat(message.path("apns").path("headers").path("apns-collapse-id").asText()).isEqualTo("n-1");
    });
    assertThat(requests).extracting(r -> r.body().path("message").path("token").asText())
        .containsExactlyInAnyOrder("tok-phone", "tok-gone");
  }

  @Test
  void aTransientFcmErrorIsAFailureToRetryNotAnInvalidToken() {
    FcmPushSender push = sender(Map.of("tok-phone", new String[] {"503", UNAVAILABLE}));
    PushSender.Result result = push.send(List.of("tok-phone"), "t", "b", Map.of(), "n-2");
    assertThat(result.sent()).isZero();
    assertThat(result.invalid()).isEmpty();
    assertThat(result.failed()).containsExactly("tok-phone");
  }

  /** The contract the recording fake passes, with FCM's own error replies per token. */
  @Nested
  class Contract extends PushSenderContract {
    private final Map<String, String[]> errors = new ConcurrentHashMap<>();

    @Override
    protected PushSender sender() {
      return FcmPushSenderTest.this.sender(errors);
    }

    @Override
    protected void tokenIsGone(String token) {
      errors.put(token, new String[] {"404", UNREGISTERED});
    }

    @Override
    protected void tokenFailsForNow(String token) {
      errors.put(token, new String[] {"503", UNAVAILABLE});
    }

    @Override
    protected List<Pushed> pushed() {
      return requests.stream().map(request -> {
        JsonNode message = request.body().path("message");
        Map<String, String> data = new java.util.LinkedHashMap<>();
        message.path("data").fields().forEachRemaining(field -> data.put(field.getKey(), field.getValue().asText()));
        return new Pushed(message.path("token").asText(), message.path("notification").path("title").asText(), data,
            message.path("android").path("collapse_key").asText());
      }).toList();
    }
  }
}
