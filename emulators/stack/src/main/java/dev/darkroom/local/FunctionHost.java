package dev.darkroom.local;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.invoker.BackgroundFunctionExecutor;
import com.google.cloud.functions.invoker.HttpFunctionExecutor;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Serves one function the way the Functions Framework invoker does (its own executors, so the
 * request and CloudEvent handling are the framework's), but on 127.0.0.1 only: the invoker itself
 * always binds 0.0.0.0. Run as its own JVM, configured by its environment alone, like a function
 * instance in the cloud.
 *
 * <p>Usage: {@code FunctionHost <function class> <port>}. Prints {@link #READY} once serving.
 */
public final class FunctionHost {
  static final String READY = "darkroom-function-host: serving";

  private FunctionHost() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: FunctionHost <function class> <port>");
      System.exit(2);
    }
    Class<?> target = Class.forName(args[0]);
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(Integer.parseInt(args[1]));
    server.addConnector(connector);
    server.setHandler(executorFor(target));
    server.setStopAtShutdown(true);
    server.start();
    System.out.println(READY + " " + target.getName() + " on 127.0.0.1:" + connector.getLocalPort());
    System.out.flush();
    server.join();
  }

  static Handler executorFor(Class<?> target) {
    if (HttpFunction.class.isAssignableFrom(target)) {
      return HttpFunctionExecutor.forClass(target);
    }
    if (CloudEventsFunction.class.isAssignableFrom(target)) {
      return BackgroundFunctionExecutor.forClass(target);
    }
    throw new IllegalArgumentException(target.getName() + " is neither an HttpFunction nor a CloudEventsFunction");
  }
}
