package dev.darkroom.comfyui.sim;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Failures a test asks the engine to suffer, keyed by node class. */
final class Faults {

  /** A node of this class raises, as a Python node would. */
  record NodeFailure(String exceptionType, String message) {}

  private final Map<String, NodeFailure> failing = new ConcurrentHashMap<>();
  private final Set<String> hanging = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> holdingAtStep = new ConcurrentHashMap<>();

  void failNode(String classType, NodeFailure failure) {
    failing.put(classType, failure);
  }

  void hangNode(String classType) {
    hanging.add(classType);
  }

  void holdAtStep(String classType, int step) {
    holdingAtStep.put(classType, step);
  }

  void clear() {
    failing.clear();
    hanging.clear();
    holdingAtStep.clear();
  }

  boolean holdsAt(String classType, int step) {
    return holdingAtStep.getOrDefault(classType, -1) == step;
  }

  Optional<NodeFailure> failureFor(String classType) {
    return Optional.ofNullable(failing.get(classType));
  }

  boolean hangs(String classType) {
    return hanging.contains(classType);
  }
}
