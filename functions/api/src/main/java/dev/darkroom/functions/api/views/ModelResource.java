package dev.darkroom.functions.api.views;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.models.ModelImports;
import dev.darkroom.core.models.ModelRecord;
import dev.darkroom.functions.api.http.Replies;

/** A model file as the v2 routes answer it (openapi.yaml's {@code Model}). */
public final class ModelResource {
  private ModelResource() {}

  /** Its state and, for an import, its progress and source (never its token). */
  public static ObjectNode of(ModelRecord model) {
    ObjectNode node = Replies.JSON.createObjectNode();
    node.put("folder", model.folder());
    node.put("name", model.name());
    node.put("size", model.size());
    node.put("sha256", model.sha256());
    node.put("state", model.state().wireName());
    node.put("reason", model.reason());
    node.put("added_at", model.addedAt().toString());
    node.put("added_by", model.addedBy());
    if (model.imported() != null) {
      ObjectNode imported = node.putObject("import");
      imported.put("source", ModelImports.shown(model.imported().url()));
      imported.put("bytes_done", model.imported().bytesDone());
      imported.put("bytes_total", model.imported().bytesTotal() < 0 ? null : model.imported().bytesTotal());
      imported.put("updated_at", model.imported().updatedAt().toString());
    }
    return node;
  }
}
