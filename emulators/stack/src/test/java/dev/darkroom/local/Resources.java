package dev.darkroom.local;

/** Test helpers for what a test class starts once and stops once. */
final class Resources {
  private Resources() {}

  /** Closes each resource that was made (nulls are skipped), in the order given, even if one fails. */
  static void closeAll(AutoCloseable... resources) {
    RuntimeException first = null;
    for (AutoCloseable resource : resources) {
      if (resource == null) {
        continue;
      }
      try {
        resource.close();
      } catch (Exception e) {
        if (first == null) {
          first = new IllegalStateException("closing " + resource.getClass().getSimpleName() + " failed", e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
