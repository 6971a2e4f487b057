package dev.darkroom.bench.coldstart;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;

/** The baseline of an HTTP deployable's cold start: the smallest function the invoker can serve. */
public final class HelloWorldHttpFunction implements HttpFunction {
  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    response.getWriter().write("hello");
  }
}
