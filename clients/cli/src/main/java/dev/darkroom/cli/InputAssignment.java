package dev.darkroom.cli;

/**
 * One {@code --set NODE.INPUT=VALUE}: NODE is a node id or a node's {@code _meta.title} (which may
 * hold dots and spaces), INPUT an input name, VALUE the text to set it to (typed later, by the
 * input's current value). Input names are identifiers, so the key splits at its last dot and the
 * value may hold anything, {@code =} and dots included.
 */
record InputAssignment(String node, String input, String value) {

  static InputAssignment parse(String text) {
    int equals = text.indexOf('=');
    if (equals < 0) {
      throw CliFailure.badInput("--set " + text + ": expected NODE.INPUT=VALUE, e.g. --set 3.seed=42");
    }
    String key = text.substring(0, equals);
    int dot = key.lastIndexOf('.');
    if (dot <= 0 || dot == key.length() - 1) {
      throw CliFailure.badInput("--set " + text + ": expected NODE.INPUT before '=', a node id or title, a dot and an"
          + " input name, e.g. --set 3.seed=42 or --set \"KSampler.steps=30\"");
    }
    return new InputAssignment(key.substring(0, dot), key.substring(dot + 1), text.substring(equals + 1));
  }

  @Override
  public String toString() {
    return node + "." + input + "=" + value;
  }
}
