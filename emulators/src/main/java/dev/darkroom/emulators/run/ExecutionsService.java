package dev.darkroom.emulators.run;

import com.google.cloud.run.v2.CancelExecutionRequest;
import com.google.cloud.run.v2.DeleteExecutionRequest;
import com.google.cloud.run.v2.Execution;
import com.google.cloud.run.v2.ExecutionsGrpc;
import com.google.cloud.run.v2.GetExecutionRequest;
import com.google.cloud.run.v2.ListExecutionsRequest;
import com.google.cloud.run.v2.ListExecutionsResponse;
import com.google.longrunning.Operation;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** google.cloud.run.v2.Executions. */
final class ExecutionsService extends ExecutionsGrpc.ExecutionsImplBase {
  private final RunStore store;
  private final ExecutionScheduler scheduler;

  ExecutionsService(RunStore store, ExecutionScheduler scheduler) {
    this.store = store;
    this.scheduler = scheduler;
  }

  @Override
  public void getExecution(GetExecutionRequest request, StreamObserver<Execution> observer) {
    Rpc.answer(observer, () -> {
      synchronized (store) {
        return Snapshots.execution(store.execution(request.getName()));
      }
    });
  }

  @Override
  public void listExecutions(ListExecutionsRequest request, StreamObserver<ListExecutionsResponse> observer) {
    Rpc.answer(observer, () -> {
      synchronized (store) {
        List<Execution> all = store.executions(request.getParent()).stream().map(Snapshots::execution).toList();
        Rpc.Page<Execution> page = Rpc.page(all, request.getPageSize(), request.getPageToken());
        return ListExecutionsResponse.newBuilder()
            .addAllExecutions(page.items())
            .setNextPageToken(page.nextPageToken())
            .build();
      }
    });
  }

  /** Deleting an unfinished execution cancels it first, so none of its processes outlive it. */
  @Override
  public void deleteExecution(DeleteExecutionRequest request, StreamObserver<Operation> observer) {
    Rpc.answer(observer, () -> {
      if (request.getValidateOnly()) {
        synchronized (store) {
          Execution current = Snapshots.execution(store.execution(request.getName()));
          return store.addOperation(request.getName(), name -> Operations.done(name, current));
        }
      }
      ExecutionState execution = store.removeExecution(request.getName());
      scheduler.cancel(execution);
      synchronized (store) {
        Execution deleted = Snapshots.execution(execution).toBuilder()
            .setDeleteTime(Snapshots.timestamp(java.time.Instant.now()))
            .build();
        return store.addOperation(request.getName(), name -> Operations.done(name, deleted));
      }
    });
  }

  /** The operation is done once every task has stopped, which may take the termination grace. */
  @Override
  public void cancelExecution(CancelExecutionRequest request, StreamObserver<Operation> observer) {
    Rpc.answer(observer, () -> {
      ExecutionState execution = store.execution(request.getName());
      if (!request.getValidateOnly()) {
        scheduler.cancel(execution);
      }
      return store.addOperation(request.getName(), name -> Operations.following(name, execution, false));
    });
  }
}
