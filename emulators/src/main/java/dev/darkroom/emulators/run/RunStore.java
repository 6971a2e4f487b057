package dev.darkroom.emulators.run;

import com.google.cloud.run.v2.Condition;
import com.google.cloud.run.v2.Job;
import com.google.longrunning.Operation;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The emulator's in-memory state: jobs, executions with their tasks, and long-running operations.
 * Its monitor guards every {@link ExecutionState} and {@link TaskState} as well, so a snapshot
 * taken under it is consistent; nobody blocks on a process while holding it.
 */
final class RunStore {
  private final Map<String, Job> jobs = new TreeMap<>();
  private final Map<String, ExecutionState> executions = new LinkedHashMap<>();
  private final Map<String, Supplier<Operation>> operations = new HashMap<>();
  private final Path workDir;
  private long nextSequence;

  RunStore(Path workDir) {
    this.workDir = workDir;
  }

  synchronized Job createJob(String parent, String jobId, Job request, boolean validateOnly) {
    ResourceNames.requireLocation(parent);
    ResourceNames.requireJobId(jobId);
    if (!request.hasTemplate() || request.getTemplate().getTemplate().getContainersCount() == 0) {
      throw ResourceNames.invalid("job.template.template.containers must name at least one container");
    }
    String name = parent + "/jobs/" + jobId;
    if (jobs.containsKey(name)) {
      throw Status.ALREADY_EXISTS.withDescription("job " + name + " already exists").asRuntimeException();
    }
    Instant now = Instant.now();
    Job job = request.toBuilder()
        .setName(name)
        .setUid(UUID.randomUUID().toString())
        .setGeneration(1)
        .setObservedGeneration(1)
        .setCreateTime(Snapshots.timestamp(now))
        .setUpdateTime(Snapshots.timestamp(now))
        .setTerminalCondition(Snapshots.condition("Ready", Condition.State.CONDITION_SUCCEEDED, "", now))
        .setReconciling(false)
        .setEtag(etag(1))
        .build();
    if (!validateOnly) {
      jobs.put(name, job);
    }
    return job;
  }

  synchronized Job job(String name) {
    ResourceNames.requireJob(name);
    Job job = jobs.get(name);
    if (job == null) {
      throw ResourceNames.notFound("job", name);
    }
    return Snapshots.job(job, latestExecution(name).orElse(null));
  }

  synchronized List<Job> jobs(String parent) {
    ResourceNames.requireLocation(parent);
    List<Job> result = new ArrayList<>();
    for (Job job : jobs.values()) {
      if (ResourceNames.parentOf(job.getName()).equals(parent)) {
        result.add(Snapshots.job(job, latestExecution(job.getName()).orElse(null)));
      }
    }
    return result;
  }

  synchronized Job updateJob(Job request, boolean allowMissing, boolean validateOnly) {
    ResourceNames.requireJob(request.getName());
    Job current = jobs.get(request.getName());
    if (current == null) {
      if (!allowMissing) {
        throw ResourceNames.notFound("job", request.getName());
      }
      String parent = ResourceNames.parentOf(request.getName());
      return createJob(parent, ResourceNames.lastSegment(request.getName()), request.toBuilder().clearName().build(),
          validateOnly);
    }
    if (!request.getEtag().isEmpty() && !request.getEtag().equals(current.getEtag())) {
      throw Status.ABORTED.withDescription("etag mismatch for " + request.getName()).asRuntimeException();
    }
    if (!request.hasTemplate() || request.getTemplate().getTemplate().getContainersCount() == 0) {
      throw ResourceNames.invalid("job.template.template.containers must name at least one container");
    }
    long generation = current.getGeneration() + 1;
    Job updated = current.toBuilder()
        .clearLabels().putAllLabels(request.getLabelsMap())
        .clearAnnotations().putAllAnnotations(request.getAnnotationsMap())
        .setTemplate(request.getTemplate())
        .setGeneration(generation)
        .setObservedGeneration(generation)
        .setUpdateTime(Snapshots.timestamp(Instant.now()))
        .setEtag(etag(generation))
        .build();
    if (!validateOnly) {
      jobs.put(updated.getName(), updated);
    }
    return updated;
  }

  /** Removes the job and its executions; returns the deleted job and the executions still running. */
  synchronized Deleted deleteJob(String name, boolean validateOnly) {
    Job job = job(name);
    List<ExecutionState> running = new ArrayList<>();
    if (!validateOnly) {
      jobs.remove(name);
      executions.values().removeIf(e -> {
        if (e.jobName.equals(name)) {
          if (!e.terminal()) {
            running.add(e);
          }
          return true;
        }
        return false;
      });
    }
    return new Deleted(job.toBuilder().setDeleteTime(Snapshots.timestamp(Instant.now())).build(), running);
  }

  record Deleted(Job job, List<ExecutionState> runningExecutions) {}

  /** The job as it is now, for starting an execution from it. */
  synchronized Job storedJob(String name) {
    ResourceNames.requireJob(name);
    Job job = jobs.get(name);
    if (job == null) {
      throw ResourceNames.notFound("job", name);
    }
    return job;
  }

  synchronized ExecutionState addExecution(Job job, ExecutionPlan plan) {
    Job current = jobs.get(job.getName());
    if (current == null) {
      throw ResourceNames.notFound("job", job.getName());
    }
    String name = job.getName() + "/executions/" + ResourceNames.newExecutionId(ResourceNames.lastSegment(job.getName()));
    Path logDir = workDir.resolve("executions").resolve(ResourceNames.lastSegment(name));
    ExecutionState execution = new ExecutionState(name, job.getName(), nextSequence++, Instant.now(), plan,
        job.getTemplate().getLabelsMap(), job.getTemplate().getAnnotationsMap(), logDir);
    executions.put(name, execution);
    jobs.put(job.getName(), current.toBuilder().setExecutionCount(current.getExecutionCount() + 1).build());
    return execution;
  }

  synchronized ExecutionState execution(String name) {
    ResourceNames.requireExecution(name);
    ExecutionState execution = executions.get(name);
    if (execution == null) {
      throw ResourceNames.notFound("execution", name);
    }
    return execution;
  }

  /** Newest first, as Cloud Run lists them. */
  synchronized List<ExecutionState> executions(String jobName) {
    job(jobName);
    return executions.values().stream()
        .filter(e -> e.jobName.equals(jobName))
        .sorted(Comparator.comparingLong((ExecutionState e) -> e.sequence).reversed())
        .toList();
  }

  synchronized List<ExecutionState> unfinishedExecutions() {
    return executions.values().stream().filter(e -> !e.terminal()).toList();
  }

  synchronized ExecutionState removeExecution(String name) {
    ExecutionState execution = execution(name);
    executions.remove(name);
    return execution;
  }

  private Optional<ExecutionState> latestExecution(String jobName) {
    return executions.values().stream()
        .filter(e -> e.jobName.equals(jobName))
        .max(Comparator.comparingLong(e -> e.sequence));
  }

  /** Registers an operation whose state is computed on each poll; returns its first state. */
  synchronized Operation addOperation(String resourceName, java.util.function.Function<String, Operation> state) {
    String location = resourceName.substring(0, resourceName.indexOf("/", resourceName.indexOf("/locations/") + 11));
    String name = location + "/operations/" + UUID.randomUUID();
    operations.put(name, () -> state.apply(name));
    return state.apply(name);
  }

  synchronized Operation operation(String name) {
    Supplier<Operation> state = operations.get(name);
    if (state == null) {
      throw ResourceNames.notFound("operation", name);
    }
    return state.get();
  }

  synchronized void deleteOperation(String name) {
    if (operations.remove(name) == null) {
      throw ResourceNames.notFound("operation", name);
    }
  }

  private static String etag(long generation) {
    return "\"" + generation + "\"";
  }
}
