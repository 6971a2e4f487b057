package dev.darkroom.bench.api;

import com.google.cloud.firestore.DocumentReference;
import dev.darkroom.gcp.Env;
import dev.darkroom.gcp.GoogleClients;
import dev.darkroom.gcp.GoogleCloudConfig;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A process of its own that makes document gets with the production Firestore client
 * ({@link GoogleClients}) and prints its own CPU time per get: {@link ClientTracingBench} runs it
 * with and without the client's tracing, which only the process's environment can turn off.
 *
 * <p>Arguments: the emulator's host:port, the project, the gets to measure (after a tenth as many
 * unmeasured), the threads making them. Prints {@code cpu_ms_per_get=X} once measured.
 */
public final class FirestoreClientCpu {
  static final String RESULT = "cpu_ms_per_get=";

  private FirestoreClientCpu() {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int gets = Integer.parseInt(args[2]);
    int threads = Integer.parseInt(args[3]);
    try (GoogleClients clients = new GoogleClients(GoogleCloudConfig.from(new Env(Map.of(
        "GOOGLE_CLOUD_PROJECT", args[1], "FIRESTORE_EMULATOR_HOST", host))))) {
      DocumentReference doc = clients.firestore().collection("bench-client-cpu").document(UUID.randomUUID().toString());
      doc.set(Map.of("status", "queued", "userId", "bench", "number", 1L)).get(30, TimeUnit.SECONDS);
      getAll(doc, gets / 10, threads);
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long before = os.getProcessCpuTime();
      getAll(doc, gets, threads);
      System.out.println(RESULT + (os.getProcessCpuTime() - before) / 1e6 / gets);
    }
  }

  private static void getAll(DocumentReference doc, int gets, int threads) throws InterruptedException {
    AtomicInteger left = new AtomicInteger(gets);
    AtomicInteger failed = new AtomicInteger();
    List<Thread> running = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread thread = new Thread(() -> {
        while (left.decrementAndGet() >= 0) {
          try {
            if (!doc.get().get(30, TimeUnit.SECONDS).exists()) {
              failed.incrementAndGet();
            }
          } catch (Exception e) {
            failed.incrementAndGet();
          }
        }
      });
      thread.start();
      running.add(thread);
    }
    for (Thread thread : running) {
      thread.join();
    }
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " of " + gets + " gets failed");
    }
  }
}
