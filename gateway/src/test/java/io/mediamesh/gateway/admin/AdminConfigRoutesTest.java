package io.mediamesh.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /api/admin/configs through the gateway, against the real config-svc and the real tools. */
class AdminConfigRoutesTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh().withConfigSvc();

    private static JsonNode current(String path) {
        return mesh.asAdmin().get("/api/admin/configs/" + path).expect(200, "ok").body();
    }

    private static Response write(String path, JsonNode document, String message) {
        ObjectNode body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        body.set("document", document);
        body.put("message", message);
        return mesh.asAdmin().put("/api/admin/configs/" + path, body.toString());
    }

    @Test
    void theDocumentIsTheKindsProtoJsonWithEveryField() {
        JsonNode janus = current("janus/origin");
        assertThat(janus.get("kind").asText()).isEqualTo("janus");
        assertThat(janus.get("role").asText()).isEqualTo("origin");
        assertThat(janus.get("author").asText()).isEqualTo("mediamesh");
        JsonNode document = janus.get("document");
        assertThat(document.get("nat").get("stun_port").asInt()).isEqualTo(3478);
        // Per-server fields are empty in the role's document, and shown as such.
        assertThat(document.get("general").get("server_name").asText()).isEmpty();
        assertThat(document.get("nat").get("nat_1_1_mapping").asText()).isEmpty();
        assertThat(document.get("videoroom").get("admin_key").asText()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(current("coturn/edge").get("document").get("listening_ips").isArray()).isTrue();
        assertThat(current("nginx/relay").get("document").get("upstreams").get(0).get("name").asText())
                .isEqualTo("janus");
    }

    @Test
    void aWriteIsANewRevisionAndHistoryReadsBack() {
        JsonNode before = current("nginx/edge");
        ObjectNode document = (ObjectNode) before.get("document").deepCopy();
        document.put("client_max_body_size", "50m");
        JsonNode written = write("nginx/edge", document, "bigger uploads").expect(200, "ok").body();
        long revision = written.get("revision").asLong();
        assertThat(revision).isGreaterThan(before.get("revision").asLong());
        assertThat(written.get("validated").asBoolean()).isTrue();
        assertThat(written.get("author").asText()).isEqualTo(Mesh.ADMIN);
        assertThat(written.get("message").asText()).isEqualTo("bigger uploads");
        assertThat(written.get("document").get("client_max_body_size").asText()).isEqualTo("50m");
        assertThat(current("nginx/edge").get("revision").asLong()).isEqualTo(revision);

        JsonNode history = mesh.asAdmin().get("/api/admin/configs/nginx/edge/revisions")
                                         .expect(200, "ok").body();
        ArrayNode revisions = (ArrayNode) history.get("revisions");
        assertThat(revisions.get(0).get("revision").asLong()).isEqualTo(revision);
        assertThat(revisions.get(0).has("document")).isFalse();
        assertThat(revisions.get(revisions.size() - 1).get("revision").asLong())
                .isEqualTo(before.get("revision").asLong());
        JsonNode withDocuments = mesh.asAdmin()
                .get("/api/admin/configs/nginx/edge/revisions?limit=1&include_documents=true")
                .expect(200, "ok").body();
        assertThat(withDocuments.get("revisions").get(0).get("document").get("client_max_body_size").asText())
                .isEqualTo("50m");
        assertThat(withDocuments.get("next_cursor").isNull()).isFalse();

        JsonNode old = mesh.asAdmin().get("/api/admin/configs/nginx/edge/revisions/" + before.get("revision").asLong())
                                     .expect(200, "ok").body();
        assertThat(old.get("document")).isEqualTo(before.get("document"));
        assertThat(mesh.asAdmin().get("/api/admin/configs/nginx/edge?revision=" + before.get("revision").asLong())
                                 .expect(200, "ok").body()).isEqualTo(before);
    }

    @Test
    void revertWritesANewRevisionEqualToTheOldOne() {
        JsonNode before = current("coturn/origin");
        ObjectNode changed = (ObjectNode) before.get("document").deepCopy();
        changed.put("realm", "changed.example");
        write("coturn/origin", changed, "realm").expect(200, "ok");

        JsonNode reverted = mesh.asAdmin().post("/api/admin/configs/coturn/origin/revert",
                                                "{\"revision\":" + before.get("revision").asLong() + "}")
                                          .expect(200, "ok").body();
        assertThat(reverted.get("reverted_from").asLong()).isEqualTo(before.get("revision").asLong());
        assertThat(reverted.get("document")).isEqualTo(before.get("document"));
        assertThat(current("coturn/origin")).isEqualTo(reverted);

        long latest = reverted.get("revision").asLong();
        mesh.asAdmin().post("/api/admin/configs/coturn/origin/revert", "{\"revision\":987654}")
                      .expect(404, "REVISION_NOT_FOUND");
        mesh.asAdmin().post("/api/admin/configs/coturn/origin/revert", "{\"revision\":\"one\"}")
                      .expect(400, "INVALID_FIELD_TYPE");
        mesh.asAdmin().post("/api/admin/configs/coturn/origin/revert", "{}")
                      .expect(400, "MISSING_FIELD");
        mesh.asAdmin().post("/api/admin/configs/coturn/origin/revert", "{\"revision\":0}")
                      .expect(400, "INVALID_ID");
        assertThat(current("coturn/origin").get("revision").asLong()).isEqualTo(latest);
    }

    @Test
    void aConfigNginxRejectsIs400WithTheToolsMessageAndNoNewRevision() {
        JsonNode before = current("nginx/origin");
        ObjectNode document = (ObjectNode) before.get("document").deepCopy();
        document.putArray("extra_lines").add("keepalive_timeout forever;");
        Response refused = write("nginx/origin", document, "broken").expect(400, "CONFIG_VALIDATION_FAILED");
        assertThat(refused.body().asText()).contains("[emerg] \"keepalive_timeout\" directive invalid value")
                                          .contains("test failed");
        assertThat(current("nginx/origin")).isEqualTo(before);
        JsonNode history = mesh.asAdmin().get("/api/admin/configs/nginx/origin/revisions")
                                         .expect(200, "ok").body();
        assertThat(history.get("revisions").get(0).get("revision").asLong())
                .isEqualTo(before.get("revision").asLong());
    }

    @Test
    void aDocumentThatDoesNotRenderIs400WithTheReason() {
        JsonNode before = current("janus/relay");
        ObjectNode document = (ObjectNode) before.get("document").deepCopy();
        ((ObjectNode) document.get("nat")).put("stun_port", 99999);
        Response refused = write("janus/relay", document, "bad port").expect(400, "CONFIG_RENDER_FAILED");
        assertThat(refused.body().asText()).contains("nat.stun_port");
        assertThat(current("janus/relay")).isEqualTo(before);

        // A free-form line off the tool's allowlist: 400 naming the directive, nothing stored.
        JsonNode nginxBefore = current("nginx/relay");
        ObjectNode escaping = (ObjectNode) nginxBefore.get("document").deepCopy();
        escaping.putArray("extra_lines").add("location /x/ { alias /; autoindex on; }");
        assertThat(write("nginx/relay", escaping, "escape").expect(400, "CONFIG_RENDER_FAILED").body().asText())
                .contains("extra_lines[0] uses \"alias\"");
        assertThat(current("nginx/relay")).isEqualTo(nginxBefore);
    }

    @Test
    void badTargetsAndBodiesAre400() {
        mesh.asAdmin().get("/api/admin/configs/apache/origin").expect(400, "INVALID_CONFIG_TARGET");
        mesh.asAdmin().get("/api/admin/configs/nginx/satellite").expect(400, "INVALID_CONFIG_TARGET");
        mesh.asAdmin().get("/api/admin/configs/NGINX/origin").expect(400, "INVALID_CONFIG_TARGET");
        mesh.asAdmin().get("/api/admin/configs/nginx/unspecified/revisions")
                      .expect(400, "INVALID_CONFIG_TARGET");
        write("janus/moon", current("janus/origin").get("document"), "x").expect(400, "INVALID_CONFIG_TARGET");
        mesh.asAdmin().post("/api/admin/configs/kube/edge/revert", "{\"revision\":1}")
                      .expect(400, "INVALID_CONFIG_TARGET");
        mesh.asAdmin().get("/api/admin/configs/nginx/origin/revisions/latest")
                      .expect(400, "INVALID_ID");
        mesh.asAdmin().get("/api/admin/configs/nginx/origin/revisions/987654")
                      .expect(404, "REVISION_NOT_FOUND");
        mesh.asAdmin().get("/api/admin/configs/nginx/origin?revision=x").expect(400, "INVALID_ID");

        ObjectNode typo = (ObjectNode) current("nginx/origin").get("document").deepCopy();
        typo.put("server_nmae", "x");
        assertThat(write("nginx/origin", typo, "typo").expect(400, "MALFORMED_BODY").body().asText())
                .contains("server_nmae");
        mesh.asAdmin().put("/api/admin/configs/nginx/origin", "{\"message\":\"no document\"}")
                      .expect(400, "MISSING_FIELD");
        mesh.asAdmin().put("/api/admin/configs/nginx/origin", "{\"document\":[]}")
                      .expect(400, "INVALID_FIELD_TYPE");
        ObjectNode wrongType = (ObjectNode) current("nginx/origin").get("document").deepCopy();
        wrongType.put("worker_processes", "many");
        write("nginx/origin", wrongType, "typed").expect(400, "MALFORMED_BODY");
        // A janus document under nginx: nginx's parser does not know janus's fields.
        write("nginx/origin", current("janus/origin").get("document"), "kind").expect(400, "MALFORMED_BODY");
    }
}
