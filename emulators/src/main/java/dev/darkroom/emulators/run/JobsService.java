package dev.darkroom.emulators.run;

import com.google.cloud.run.v2.CreateJobRequest;
import com.google.cloud.run.v2.DeleteJobRequest;
import com.google.cloud.run.v2.GetJobRequest;
import com.google.cloud.run.v2.Job;
import com.google.cloud.run.v2.JobsGrpc;
import com.google.cloud.run.v2.ListJobsRequest;
import com.google.cloud.run.v2.ListJobsResponse;
import com.google.cloud.run.v2.RunJobRequest;
import com.google.cloud.run.v2.UpdateJobRequest;
import com.google.longrunning.Operation;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** google.cloud.run.v2.Jobs; IAM methods are left UNIMPLEMENTED (the emulator has no IAM). */
final class JobsService extends JobsGrpc.JobsImplBase {
  private final RunStore store;
  private final ExecutionScheduler scheduler;
  private final LaunchFaults faults;

  JobsService(RunStore store, ExecutionScheduler scheduler, LaunchFaults faults) {
    this.store = store;
    this.scheduler = scheduler;
    this.faults = faults;
  }

  @Override
  public void createJob(CreateJobRequest request, StreamObserver<Operation> observer) {
    Rpc.answer(observer, () -> {
      Job job = store.createJob(request.getParent(), request.getJobId(), request.getJob(), request.getValidateOnly());
      return store.addOperation(job.getName(), name -> Operations.done(name, job));
    });
  }

  @Override
  public void getJob(GetJobRequest request, StreamObserver<Job> observer) {
    Rpc.answer(observer, () -> store.job(request.getName()));
  }

  @Override
  public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> observer) {
    Rpc.answer(observer, () -> {
      Rpc.Page<Job> page = Rpc.page(store.jobs(request.getParent()), request.getPageSize(), request.getPageToken());
      return ListJobsResponse.newBuilder().addAllJobs(page.items()).setNextPageToken(page.nextPageToken()).build();
    });
  }

  @Override
  public void updateJob(UpdateJobRequest request, StreamObserver<Operation> observer) {
    Rpc.answer(observer, () -> {
      Job job = store.updateJob(request.getJob(), request.getAllowMissing(), request.getValidateOnly());
      return store.addOperation(job.getName(), name -> Operations.done(name, job));
    });
  }

  @Override
  public void deleteJob(DeleteJobRequest request, StreamObserver<Operation> observer) {
    Rpc.answer(observer, () -> {
      RunStore.Deleted deleted = store.deleteJob(request.getName(), request.getValidateOnly());
      deleted.runningExecutions().forEach(scheduler::cancel);
      return store.addOperation(request.getName(), name -> Operations.done(name, deleted.job()));
    });
  }

  @Override
  public void runJob(RunJobRequest request, StreamObserver<Operation> observer) {
    Rpc.answer(observer, () -> {
      Job job = store.storedJob(request.getName());
      if (request.getValidateOnly()) {
        throw Status.UNIMPLEMENTED.withDescription("the emulator does not support validate_only on RunJob")
            .asRuntimeException();
      }
      ExecutionPlan plan = ExecutionPlan.of(job.getTemplate(), request.getOverrides());
      faults.nextLaunch().ifPresent(status -> {
        throw status.asRuntimeException();
      });
      ExecutionState execution = store.addExecution(job, plan);
      Operation first = store.addOperation(execution.name, name -> Operations.following(name, execution, true));
      scheduler.start(execution);
      faults.answerOfStartedLaunch().ifPresent(status -> {
        throw status.asRuntimeException();
      });
      return first;
    });
  }
}
