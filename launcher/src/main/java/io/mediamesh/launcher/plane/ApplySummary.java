package io.mediamesh.launcher.plane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A best-effort apply of one kind to every server, told in a line, and a line per server that failed. */
public final class ApplySummary {
    private ApplySummary() {}

    /** Applies {@code kind}'s latest revision to every enabled server; the lines that tell how it went. */
    public static List<String> apply(AdminApi api, String kind) throws IOException, InterruptedException {
        ObjectNode start = AdminApi.JSON.createObjectNode().put("kind", kind).put("policy", "best_effort");
        return lines(kind, api.postForText("/api/admin/configs/apply", start));
    }

    /** From the apply's newline-delimited JSON, whose last line is its summary (or an error). */
    static List<String> lines(String kind, String ndjson) throws IOException {
        List<String> all = ndjson.lines().filter(line -> !line.isBlank()).toList();
        JsonNode last = AdminApi.JSON.readTree(all.isEmpty() ? "{}" : all.get(all.size() - 1));
        if (!"summary".equals(last.path("type").asText())) {
            return List.of(kind + ": the apply ended without a summary: " + last);
        }
        List<String> lines = new ArrayList<>();
        lines.add(kind + ": " + last.path("outcome").asText() + ": " + last.path("activated").asInt() + " activated, "
                  + last.path("already_active").asInt() + " already active, " + last.path("failed").asInt() + " failed");
        for (JsonNode result : last.path("results")) {
            if ("failed".equals(result.path("status").asText())) {
                lines.add("  " + result.path("server_name").asText() + ": " + result.path("message").asText() + " "
                          + result.path("tool_output").asText());
            }
        }
        return lines;
    }
}
