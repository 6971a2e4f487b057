package dev.darkroom.core.userdata;

/** Why a user-data request is refused, in ComfyUI's terms (app/user_manager.py answers each with its status). */
public final class UserDataRefusal extends RuntimeException {

  /** The refusals ComfyUI's user manager makes, plus Darkroom's size limits. */
  public enum Reason {
    /** A name the file system would refuse, a directory where a file was meant (ComfyUI: 400). */
    INVALID,
    /** The path leaves the user's directory (ComfyUI: 403). */
    OUTSIDE,
    /** No such file or directory (ComfyUI: 404). */
    NOT_FOUND,
    /** {@code overwrite=false} and the file exists (ComfyUI: 409). */
    EXISTS,
    /** Past a size limit of Darkroom's (ComfyUI's body limit answers 413). */
    TOO_LARGE
  }

  private final Reason reason;

  public UserDataRefusal(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
