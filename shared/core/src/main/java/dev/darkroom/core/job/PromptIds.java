package dev.darkroom.core.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.AbstractList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Prompt ids are lowercase canonical UUIDs (ComfyUI's newer rule, enforced on {@code POST /prompt}),
 * so anything else names no job and is never sent to the store, where some strings (".", "__x__",
 * very long ones) are not even valid document ids.
 *
 * <p>A client may choose its prompt id, and the one it chooses may already be another user's
 * job. Saying so would tell the client that the id exists, so the job is stored under an id of
 * its own instead ({@link #elsewhere}): the chosen id followed by a digest of the submitter. No
 * client can choose such an id (it is not a UUID), and each user has their own for any prompt id.
 * The client keeps seeing the id it chose ({@code Job#promptId}).
 */
public final class PromptIds {
  private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  private static final Pattern CANONICAL_UUID = Pattern.compile(UUID);
  private static final Pattern ELSEWHERE = Pattern.compile(UUID + "\\.[0-9a-f]{32}");

  private PromptIds() {}

  public static boolean isValid(String id) {
    return id != null && CANONICAL_UUID.matcher(id).matches();
  }

  /** Whether {@code id} is one that {@link #elsewhere} makes (found in a job's output subfolder). */
  public static boolean isElsewhere(String id) {
    return id != null && ELSEWHERE.matcher(id).matches();
  }

  /** Where {@code userId}'s job with the prompt id {@code promptId} is stored when that id was someone else's. */
  public static String elsewhere(String userId, String promptId) {
    if (!isValid(promptId)) {
      throw new IllegalArgumentException("not a prompt id: " + promptId);
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(
          (userId + "\n" + promptId).getBytes(StandardCharsets.UTF_8));
      return promptId + "." + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * The {@code prompt_id} the engine runs the job stored as {@code storeId} under. ComfyUI (newer
   * versions) takes only canonical UUIDs, so a job stored elsewhere runs under a UUID made from its
   * store id: the same on every attempt, and never the id another user's job ran under.
   */
  public static String forEngine(String storeId) {
    return isValid(storeId) ? storeId
        : java.util.UUID.nameUUIDFromBytes(storeId.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /**
   * The store ids {@code userId}'s job named {@code promptId} may have, in the order to try them:
   * the id itself, then its own place if the id was taken. None for an id that names no job.
   */
  public static List<String> storeIdsOf(String userId, String promptId) {
    if (isValid(promptId)) {
      return new TakenOrNot(userId, promptId);
    }
    return isElsewhere(promptId) ? List.of(promptId) : List.of();
  }

  /**
   * The id itself, then its place elsewhere, whose digest is only worked out if asked for: nearly
   * every lookup finds the job under the id itself (a digest it never used was a twentieth of a
   * history poll's handler samples in the api).
   */
  private static final class TakenOrNot extends AbstractList<String> {
    private final String userId;
    private final String promptId;
    private String elsewhere;

    TakenOrNot(String userId, String promptId) {
      this.userId = userId;
      this.promptId = promptId;
    }

    @Override
    public String get(int index) {
      Objects.checkIndex(index, 2);
      if (index == 0) {
        return promptId;
      }
      if (elsewhere == null) {
        elsewhere = elsewhere(userId, promptId);
      }
      return elsewhere;
    }

    @Override
    public int size() {
      return 2;
    }
  }
}
