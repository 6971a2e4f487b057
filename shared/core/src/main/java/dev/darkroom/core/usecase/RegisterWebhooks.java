package dev.darkroom.core.usecase;

import dev.darkroom.core.job.Job;
import dev.darkroom.core.limits.DocumentIds;
import dev.darkroom.core.notify.OutboundUrlPolicy;
import dev.darkroom.core.notify.WebhookEndpoint;
import dev.darkroom.core.notify.WebhookSignature;
import dev.darkroom.core.port.JobStore;
import dev.darkroom.core.port.WebhookEndpoints;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Users register, list, rotate and delete their webhook endpoints. A URL the outbound policy
 * refuses is refused here already (the user learns at once, not from a delivery log); a
 * job-scoped endpoint must name one of the caller's jobs. Secrets are made here, shown once.
 */
public final class RegisterWebhooks {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final WebhookEndpoints endpoints;
  private final FindOwnJob ownJobs;
  private final OutboundUrlPolicy policy;
  private final int maxPerUser;
  private final Duration rotationOverlap;
  private final Clock clock;

  public RegisterWebhooks(WebhookEndpoints endpoints, JobStore jobs, OutboundUrlPolicy policy, int maxPerUser,
                          Duration rotationOverlap, Clock clock) {
    this.endpoints = endpoints;
    this.ownJobs = new FindOwnJob(jobs);
    this.policy = policy;
    this.maxPerUser = maxPerUser;
    this.rotationOverlap = rotationOverlap;
    this.clock = clock;
  }

  /**
   * A registration or rotation: the endpoint and its new secret, shown this once (null when an
   * endpoint registered before is answered again).
   */
  public record Registered(WebhookEndpoint endpoint, String secret) {}

  /** Why a request was refused, as an HTTP status and a message for the user. */
  public static final class Refused extends RuntimeException {
    private final int status;

    public Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  public Registered register(String userId, String url, String jobId) {
    checkUrl(url);
    String onlyFor = null;
    if (jobId != null) {
      onlyFor = promptIdOf(DocumentIds.requireStorable("job_id", jobId), userId);
    }
    return add(userId, url, onlyFor, endpoints.forUser(userId));
  }

  /** The id its owner knows the job by, which is what its notifications carry; 404 if not theirs. */
  private String promptIdOf(String jobId, String userId) {
    return ownJobs.find(jobId, userId).map(Job::promptId)
        .orElseThrow(() -> new Refused(404, "no job of yours has the id \"" + jobId + "\""));
  }

  /** A new endpoint with a new secret, unless {@code current} (the user's endpoints) is at the cap. */
  private Registered add(String userId, String url, String onlyFor, List<WebhookEndpoint> current) {
    if (current.size() >= maxPerUser) {
      throw new Refused(409, "you have " + maxPerUser + " webhook endpoints, the most allowed; delete one first");
    }
    String secret = newSecret();
    WebhookEndpoint endpoint = new WebhookEndpoint("we_" + UUID.randomUUID().toString().replace("-", ""), userId,
        url, List.of(secret), onlyFor, clock.instant());
    endpoints.add(endpoint);
    return new Registered(endpoint, secret);
  }

  /** Refuses (400) a URL that is not one or that the outbound policy would never call. */
  public void checkUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new Refused(400, "\"url\" is not a URL: " + e.getMessage());
    }
    Optional<String> refusal = policy.refusal(uri);
    if (refusal.isPresent()) {
      throw new Refused(400, "\"url\" cannot be called by Darkroom: " + refusal.get());
    }
  }

  /**
   * An endpoint of {@code userId} for the job {@code jobId} alone, at most one per (URL, job): a
   * retried request (the same job, replayed) finds the one it registered, whose secret is not
   * shown again ({@link Registered#secret} null).
   */
  public Registered registerForJob(String userId, String url, String jobId) {
    String promptId = promptIdOf(jobId, userId);
    List<WebhookEndpoint> current = endpoints.forUser(userId);
    Optional<WebhookEndpoint> existing = current.stream()
        .filter(endpoint -> url.equals(endpoint.url()) && promptId.equals(endpoint.jobId())).findFirst();
    if (existing.isPresent()) {
      return new Registered(existing.get(), null);
    }
    checkUrl(url);
    return add(userId, url, promptId, current);
  }

  public List<WebhookEndpoint> list(String userId) {
    return endpoints.forUser(userId);
  }

  public boolean delete(String userId, String endpointId) {
    return endpoints.delete(userId, endpointId);
  }

  /** A new secret; the current one keeps signing for {@code rotationOverlap}, as Standard Webhooks advises. */
  public Optional<Registered> rotate(String userId, String endpointId) {
    String secret = newSecret();
    return endpoints.rotate(userId, endpointId, secret, clock.instant().plus(rotationOverlap))
        .map(endpoint -> new Registered(endpoint, secret));
  }

  private static String newSecret() {
    return WebhookSignature.newSecret(RANDOM);
  }
}
