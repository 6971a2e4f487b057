package dev.darkroom.terraform.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.cloudbuild.v1.Build;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.file.Path;

/** A cloudbuild file parsed strictly into Cloud Build's own {@link Build} message: unknown fields fail. */
public final class CloudBuildCheck {
  private CloudBuildCheck() {}

  public static Build parse(Path file) throws IOException {
    JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    return parse(new ObjectMapper().writeValueAsString(yaml));
  }

  public static Build parse(String json) throws InvalidProtocolBufferException {
    Build.Builder build = Build.newBuilder();
    JsonFormat.parser().merge(json, build);
    return build.build();
  }
}
