package dev.darkroom.core.deployment;

import java.util.Arrays;
import java.util.Optional;

/** The type of a deployment input: what a run may pass, and which node inputs it may fill. */
public enum InputType {
  STRING("string"),
  INTEGER("integer"),
  NUMBER("number"),
  BOOLEAN("boolean"),
  /** One of a node's own list of choices (a COMBO), or of a subset of it the deployment names. */
  CHOICE("choice"),
  /** An integer; random when a run omits it, and the value used is recorded on the job. */
  SEED("seed"),
  /** The name of one of the caller's uploads, for a LoadImage-style input. */
  IMAGE("image");

  private final String wireName;

  InputType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<InputType> fromWire(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }

  /** The catalog's type names ({@code INT}, {@code FLOAT}…) that an input of this type can fill; empty for choice and image. */
  public String catalogType() {
    return switch (this) {
      case STRING -> "STRING";
      case INTEGER, SEED -> "INT";
      case NUMBER -> "FLOAT";
      case BOOLEAN -> "BOOLEAN";
      case CHOICE, IMAGE -> "";
    };
  }
}
