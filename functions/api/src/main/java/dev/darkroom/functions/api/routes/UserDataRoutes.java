package dev.darkroom.functions.api.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.darkroom.core.port.UserFiles.UserFile;
import dev.darkroom.core.userdata.UserData;
import dev.darkroom.core.userdata.UserDataPaths;
import dev.darkroom.core.userdata.UserDataRefusal;
import dev.darkroom.functions.api.http.Call;
import dev.darkroom.functions.api.http.Replies;
import dev.darkroom.functions.api.http.RequestBodies;
import dev.darkroom.functions.api.http.Route;
import dev.darkroom.functions.api.http.RouteGroup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * ComfyUI's user data (app/user_manager.py): {@code GET /userdata?dir=}, {@code GET /v2/userdata?path=},
 * {@code GET|POST|DELETE /userdata/{file}} and {@code POST /userdata/{file}/move/{dest}}, over the caller's
 * own files ({@link UserData}). ComfyUI's clients send a path with directories as one segment
 * ({@code workflows%2Fa.json}); the Functions Framework's Jetty refuses an encoded slash (400) before any
 * code of ours runs, so here a path may also be written with plain slashes ({@code /userdata/workflows/a.json}),
 * and a {@code POST} whose path has a {@code move} segment after the first is a move.
 */
public final class UserDataRoutes implements RouteGroup {
  /** Served as bytes to download, never as a page of the API's origin (a user's file is anything they wrote). */
  private static final Set<String> ACTIVE_TYPES = Set.of("text/html", "application/xhtml+xml", "text/javascript",
      "application/javascript", "text/css", "image/svg+xml", "text/xml", "application/xml");
  private static final String PREFIX = "/userdata/";

  private final UserData data;

  public UserDataRoutes(UserData data) {
    this.data = data;
  }

  @Override
  public List<Route> routes() {
    return List.of(
        new Route("GET", "/userdata", this::list),
        new Route("GET", "/v2/userdata", this::tree),
        new Route("GET", PREFIX, this::read),
        // ComfyUI's own form first; a path with plain slashes reaches the same handler through the prefix.
        new Route("POST", "/userdata/{file}/move/{dest}", this::writeOrMove),
        new Route("POST", PREFIX, this::writeOrMove),
        new Route("DELETE", PREFIX, this::delete));
  }

  /** user_manager.py {@code listuserdata}: {@code dir} required (400), then 403, 404, the list. */
  void list(Call call) throws IOException {
    String dir = call.query("dir");
    if (dir == null || dir.isEmpty()) {
      Replies.text(call.response(), 400, "Directory not provided");
      return;
    }
    boolean recurse = "true".equalsIgnoreCase(call.query("recurse"));
    boolean fullInfo = "true".equalsIgnoreCase(call.query("full_info"));
    boolean split = "true".equalsIgnoreCase(call.query("split"));
    List<UserFile> files;
    try {
      files = data.listDirectory(call.user(), dir, recurse);
    } catch (UserDataRefusal refusal) {
      switch (refusal.reason()) {
        case OUTSIDE -> Replies.text(call.response(), 403, "Invalid directory");
        case NOT_FOUND -> Replies.text(call.response(), 404, "Directory not found");
        default -> answer(call, refusal);
      }
      return;
    }
    ArrayNode reply = Replies.JSON.createArrayNode();
    for (UserFile file : files) {
      if (fullInfo) {
        reply.add(info(file));
      } else if (split) {
        ArrayNode parts = reply.addArray().add(file.path());
        Arrays.stream(file.path().split("/")).forEach(parts::add);
      } else {
        reply.add(file.path());
      }
    }
    Replies.json(call.response(), 200, reply);
  }

  /** user_manager.py {@code list_userdata_v2}: ComfyUI decodes {@code path} once more before its own checks. */
  void tree(Call call) throws IOException {
    String path = UserDataPaths.decodeSegment(java.util.Objects.requireNonNullElse(call.query("path"), ""));
    List<UserData.TreeEntry> entries;
    try {
      entries = data.tree(call.user(), path);
    } catch (UserDataRefusal refusal) {
      switch (refusal.reason()) {
        case INVALID -> Replies.text(call.response(), 400, refusal.getMessage());
        case NOT_FOUND -> Replies.text(call.response(), 404, refusal.getMessage());
        default -> answer(call, refusal);
      }
      return;
    }
    ArrayNode reply = Replies.JSON.createArrayNode();
    for (UserData.TreeEntry entry : entries) {
      ObjectNode item = reply.addObject().put("name", entry.name()).put("path", entry.path())
          .put("type", entry.directory() ? "directory" : "file");
      if (!entry.directory()) {
        item.put("size", entry.size()).put("modified", seconds(entry.modified()));
      }
    }
    Replies.json(call.response(), 200, reply);
  }

  /** user_manager.py {@code getuserdata}: 403 outside, 404 missing, else the file's bytes. */
  void read(Call call) throws IOException {
    String file = file(call.path().substring(PREFIX.length()));
    byte[] content;
    try {
      content = data.read(call.user(), file);
    } catch (UserDataRefusal refusal) {
      answer(call, refusal);
      return;
    }
    String type = java.net.URLConnection.guessContentTypeFromName(file);
    if (type == null || ACTIVE_TYPES.contains(type)) {
      type = file.endsWith(".json") ? "application/json" : "application/octet-stream";
    }
    Replies.bytes(call.response(), 200, type, content);
  }

  /**
   * user_manager.py {@code post_userdata} ({@code overwrite} unless {@code "false"}, {@code full_info}) and
   * {@code move_userdata}: the path relative to the user's directory as a JSON string, or its file info.
   */
  void writeOrMove(Call call) throws IOException {
    List<String> segments = List.of(call.path().substring(PREFIX.length()).split("/", -1));
    int move = segments.indexOf("move");
    boolean overwrite = !"false".equals(call.query("overwrite"));
    boolean fullInfo = "true".equalsIgnoreCase(call.query("full_info"));
    UserFile written;
    try {
      if (move >= 1 && move < segments.size() - 1) {
        written = data.move(call.user(), file(String.join("/", segments.subList(0, move))),
            file(String.join("/", segments.subList(move + 1, segments.size()))), overwrite);
      } else {
        String file = file(String.join("/", segments));
        written = data.write(call.user(), file, RequestBodies.read(call.request(), (int) UserData.MAX_FILE_BYTES),
            overwrite);
      }
    } catch (UserDataRefusal refusal) {
      answer(call, refusal);
      return;
    }
    Replies.json(call.response(), 200, fullInfo ? info(written) : Replies.JSON.getNodeFactory().textNode(written.path()));
  }

  /** user_manager.py {@code delete_userdata}: 204 with no body. */
  void delete(Call call) throws IOException {
    try {
      data.delete(call.user(), file(call.path().substring(PREFIX.length())));
    } catch (UserDataRefusal refusal) {
      answer(call, refusal);
      return;
    }
    call.response().setStatusCode(204);
  }

  /** A path from the URL: each segment decoded as aiohttp decodes a route's {@code {file}}. */
  private static String file(String rawPath) {
    List<String> decoded = new ArrayList<>();
    for (String segment : rawPath.split("/", -1)) {
      decoded.add(UserDataPaths.decodeSegment(segment));
    }
    return String.join("/", decoded);
  }

  /** ComfyUI's {@code get_file_info}: times in seconds since the epoch, as Python's {@code getmtime}. */
  private static JsonNode info(UserFile file) {
    return Replies.JSON.createObjectNode().put("path", file.path()).put("size", file.size())
        .put("modified", seconds(file.modified())).put("created", seconds(file.created()));
  }

  private static double seconds(java.time.Instant time) {
    return time.toEpochMilli() / 1000.0;
  }

  /** ComfyUI's statuses for its refusals (it sends most with no reason; ours says why). */
  private static void answer(Call call, UserDataRefusal refusal) throws IOException {
    switch (refusal.reason()) {
      case INVALID -> Replies.text(call.response(), 400, "400: Bad Request: " + refusal.getMessage());
      case OUTSIDE -> Replies.text(call.response(), 403, "403: Forbidden: " + refusal.getMessage());
      case NOT_FOUND -> Replies.text(call.response(), 404, "404: Not Found");
      case EXISTS -> Replies.text(call.response(), 409, refusal.getMessage());
      case TOO_LARGE -> Replies.text(call.response(), 413, "413: Request Entity Too Large: " + refusal.getMessage());
    }
  }
}
