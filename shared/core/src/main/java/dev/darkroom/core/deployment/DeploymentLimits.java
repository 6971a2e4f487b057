package dev.darkroom.core.deployment;

import java.util.regex.Pattern;

/** Bounds on deployments; the workflow itself is bounded as a prompt is ({@code InputLimits}). */
public final class DeploymentLimits {
  private DeploymentLimits() {}

  /** Live (not archived) deployments one user may have. */
  public static final int DEPLOYMENTS_PER_USER = 100;
  /** Versions one deployment may have; a deployment that needs more is a new name. */
  public static final int VERSIONS_PER_DEPLOYMENT = 100;
  /** Inputs one version may declare (a node has at most {@code InputLimits.NODE_INPUTS}). */
  public static final int INPUTS_PER_VERSION = 64;
  /** Characters of an input's description. */
  public static final int DESCRIPTION_CHARS = 1_000;
  /** Choices one choice input may list. */
  public static final int CHOICES = 1_000;

  /**
   * Image inputs one run may give by URL or as data: each is fetched or decoded, checked and
   * stored while the request waits, and held in memory meanwhile.
   */
  public static final int STAGED_IMAGES_PER_RUN = 4;

  /**
   * Bytes of a run's request body: room for one image at the upload size limit as base64, and the
   * other inputs. More images than one that large go by URL or as uploads.
   */
  public static final int RUN_BODY_BYTES = ImageValue.MAX_BASE64_CHARS + dev.darkroom.core.limits.InputLimits.CONTROL_BODY_BYTES;

  /** A deployment's name: safe in a URL path and a Firestore document id without escaping. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  /** An input's name: an identifier in every language an SDK is generated for. */
  public static final Pattern INPUT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  /** The largest seed drawn at random: JavaScript clients read every integer up to it exactly. */
  public static final long MAX_RANDOM_SEED = (1L << 53) - 1;
}
