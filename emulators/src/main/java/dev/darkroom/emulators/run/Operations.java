package dev.darkroom.emulators.run;

import com.google.longrunning.Operation;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.Code;

/** Long-running operations in the shape gax unpacks: the resource as metadata and as response. */
final class Operations {
  private Operations() {}

  /** Job create/update/delete finish at once here; gax then returns without polling. */
  static Operation done(String name, Message resource) {
    return Operation.newBuilder()
        .setName(name)
        .setMetadata(Any.pack(resource))
        .setDone(true)
        .setResponse(Any.pack(resource))
        .build();
  }

  /**
   * An operation that follows an execution: done when the execution is, as RunJob's operation is
   * in Cloud Run. With {@code failWithExecution} a failed or cancelled execution ends the operation
   * in error (RunJob); without it the operation answers the execution (CancelExecution).
   */
  static Operation following(String name, ExecutionState execution, boolean failWithExecution) {
    Message snapshot = Snapshots.execution(execution);
    Operation.Builder op = Operation.newBuilder().setName(name).setMetadata(Any.pack(snapshot));
    if (!execution.terminal()) {
      return op.build();
    }
    op.setDone(true);
    if (!failWithExecution || execution.succeeded()) {
      return op.setResponse(Any.pack(snapshot)).build();
    }
    Code code = execution.cancelRequested ? Code.CANCELLED : Code.FAILED_PRECONDITION;
    String message = "Execution " + ResourceNames.lastSegment(execution.name)
        + (execution.cancelRequested ? " was cancelled." : " failed: "
            + execution.count(TaskState.Phase.FAILED) + " of " + execution.taskCount + " task(s) failed.");
    return op.setError(com.google.rpc.Status.newBuilder().setCode(code.getNumber()).setMessage(message)).build();
  }
}
