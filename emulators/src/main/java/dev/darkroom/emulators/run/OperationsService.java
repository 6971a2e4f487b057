package dev.darkroom.emulators.run;

import com.google.longrunning.DeleteOperationRequest;
import com.google.longrunning.GetOperationRequest;
import com.google.longrunning.Operation;
import com.google.longrunning.OperationsGrpc;
import com.google.longrunning.WaitOperationRequest;
import com.google.protobuf.Empty;
import io.grpc.stub.StreamObserver;

/** google.longrunning.Operations, which gax polls for every long-running call of the Run clients. */
final class OperationsService extends OperationsGrpc.OperationsImplBase {
  private final RunStore store;

  OperationsService(RunStore store) {
    this.store = store;
  }

  @Override
  public void getOperation(GetOperationRequest request, StreamObserver<Operation> observer) {
    Rpc.answer(observer, () -> store.operation(request.getName()));
  }

  /** Answers at once with the current state; callers poll again, which WaitOperation permits. */
  @Override
  public void waitOperation(WaitOperationRequest request, StreamObserver<Operation> observer) {
    Rpc.answer(observer, () -> store.operation(request.getName()));
  }

  @Override
  public void deleteOperation(DeleteOperationRequest request, StreamObserver<Empty> observer) {
    Rpc.answer(observer, () -> {
      store.deleteOperation(request.getName());
      return Empty.getDefaultInstance();
    });
  }
}
