package dev.darkroom.emulators.run;

import com.google.cloud.run.v2.GetTaskRequest;
import com.google.cloud.run.v2.ListTasksRequest;
import com.google.cloud.run.v2.ListTasksResponse;
import com.google.cloud.run.v2.Task;
import com.google.cloud.run.v2.TasksGrpc;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** google.cloud.run.v2.Tasks. */
final class TasksService extends TasksGrpc.TasksImplBase {
  private final RunStore store;

  TasksService(RunStore store) {
    this.store = store;
  }

  @Override
  public void getTask(GetTaskRequest request, StreamObserver<Task> observer) {
    Rpc.answer(observer, () -> {
      ResourceNames.TaskRef ref = ResourceNames.task(request.getName());
      synchronized (store) {
        ExecutionState execution = store.execution(ref.executionName());
        if (ref.index() >= execution.taskCount
            || !ResourceNames.taskName(execution.name, ref.index()).equals(request.getName())) {
          throw ResourceNames.notFound("task", request.getName());
        }
        return Snapshots.task(execution, execution.tasks.get(ref.index()));
      }
    });
  }

  @Override
  public void listTasks(ListTasksRequest request, StreamObserver<ListTasksResponse> observer) {
    Rpc.answer(observer, () -> {
      synchronized (store) {
        ExecutionState execution = store.execution(request.getParent());
        List<Task> all = execution.tasks.stream().map(t -> Snapshots.task(execution, t)).toList();
        Rpc.Page<Task> page = Rpc.page(all, request.getPageSize(), request.getPageToken());
        return ListTasksResponse.newBuilder().addAllTasks(page.items()).setNextPageToken(page.nextPageToken()).build();
      }
    });
  }
}
