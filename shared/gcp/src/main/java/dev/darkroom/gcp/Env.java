package dev.darkroom.gcp;

import java.util.Map;
import java.util.Optional;

/**
 * Reads configuration from environment variables, failing fast with a message that names the
 * missing variable. The names match what {@code terraform/} sets for each deployable.
 */
public final class Env {
  private final Map<String, String> vars;

  public Env(Map<String, String> vars) {
    this.vars = Map.copyOf(vars);
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  /** The variable's value; throws naming it (and what it is for) if it is unset or blank. */
  public String require(String name, String purpose) {
    return optional(name).orElseThrow(() -> new MissingConfigException(
        "environment variable " + name + " is not set (" + purpose + ")"));
  }

  /**
   * The variable's value, which may be empty (blank reads as empty); throws naming it only if it
   * is not set at all: for a variable whose empty value means something (no job ids: a warm start).
   */
  public String requireSet(String name, String purpose) {
    String value = vars.get(name);
    if (value == null) {
      throw new MissingConfigException("environment variable " + name + " is not set (" + purpose + ")");
    }
    return value.trim();
  }

  public Optional<String> optional(String name) {
    String value = vars.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String orDefault(String name, String fallback) {
    return optional(name).orElse(fallback);
  }

  public int intOrDefault(String name, int fallback) {
    String value = optional(name).orElse(null);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new MissingConfigException("environment variable " + name + " must be an integer, got '" + value + "'");
    }
  }

  /** A duration in whole seconds, at least one; {@code fallback} when unset. */
  public java.time.Duration positiveSecondsOrDefault(String name, java.time.Duration fallback) {
    int seconds = intOrDefault(name, (int) fallback.toSeconds());
    if (seconds < 1) {
      throw new MissingConfigException(name + " must be a positive number of seconds, got " + seconds);
    }
    return java.time.Duration.ofSeconds(seconds);
  }

  /**
   * A secret (from Secret Manager, an environment variable in the cloud) of at least
   * {@code minBytes} bytes; the message on failure names the variable, never the value.
   */
  public byte[] secret(String name, String purpose, int minBytes) {
    byte[] value = require(name, purpose + " (Secret Manager), at least " + minBytes + " bytes")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (value.length < minBytes) {
      throw new MissingConfigException(name + " must be at least " + minBytes + " bytes; it is " + value.length);
    }
    return value;
  }

  /** Configuration that is missing or malformed: the deployable cannot start. */
  public static final class MissingConfigException extends IllegalStateException {
    public MissingConfigException(String message) {
      super(message);
    }
  }
}
