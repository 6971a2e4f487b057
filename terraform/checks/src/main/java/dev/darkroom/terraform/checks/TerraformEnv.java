package dev.darkroom.terraform.checks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** The environment Terraform gives one deployable: variable name to its value expression. */
public final class TerraformEnv {
  private TerraformEnv() {}

  /** Plain variables; secrets are in {@link #secrets}. */
  public static Map<String, String> plain(JsonNode resource, String type) {
    Map<String, String> env = new LinkedHashMap<>();
    if (type.equals(Deployable.FUNCTION)) {
      JsonNode vars = Terraform.at(resource, "service_config", "environment_variables");
      for (Iterator<Map.Entry<String, JsonNode>> it = vars.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        env.put(e.getKey(), e.getValue().asText());
      }
    } else {
      for (JsonNode e : containerEnv(resource, type)) {
        if (e.has("value")) {
          env.put(e.path("name").asText(), e.path("value").asText());
        }
      }
    }
    return env;
  }

  /** Variables from Secret Manager: name to the secret's expression. */
  public static Map<String, String> secrets(JsonNode resource, String type) {
    Map<String, String> env = new LinkedHashMap<>();
    if (type.equals(Deployable.FUNCTION)) {
      for (JsonNode s : Terraform.at(resource, "service_config").path("secret_environment_variables")) {
        env.put(s.path("key").asText(), s.path("secret").asText());
      }
    } else {
      for (JsonNode e : containerEnv(resource, type)) {
        if (e.has("value_source")) {
          env.put(e.path("name").asText(), Terraform.at(e, "value_source", "secret_key_ref", "secret").asText());
        }
      }
    }
    return env;
  }

  public static Map<String, String> all(JsonNode resource, String type) {
    Map<String, String> env = new LinkedHashMap<>(plain(resource, type));
    env.putAll(secrets(resource, type));
    return env;
  }

  private static JsonNode containerEnv(JsonNode resource, String type) {
    JsonNode template = type.equals(Deployable.RUN_JOB)
        ? Terraform.at(resource, "template", "template") : Terraform.at(resource, "template");
    return Terraform.at(template, "containers").path("env");
  }

  /** The service account expression the deployable runs as. */
  public static String serviceAccount(JsonNode resource, String type) {
    return switch (type) {
      case Deployable.FUNCTION -> Terraform.at(resource, "service_config", "service_account_email").asText();
      case Deployable.RUN_JOB -> Terraform.at(resource, "template", "template", "service_account").asText();
      default -> Terraform.at(resource, "template", "service_account").asText();
    };
  }
}
