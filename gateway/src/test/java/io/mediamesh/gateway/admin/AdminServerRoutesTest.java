package io.mediamesh.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /api/admin/servers through the gateway, against the real config-svc and user-svc. */
class AdminServerRoutesTest {
    private static final AtomicInteger SLOT = new AtomicInteger();

    @RegisterExtension
    static final Mesh mesh = new Mesh().withConfigSvc();

    /** A server body on loopback with ports of its own. */
    static String server(String name, String role, String relayGroup, String extra) {
        int slot = SLOT.incrementAndGet();
        int base = 41000 + slot * 10;
        return "{\"name\":\"" + name + "\",\"role\":\"" + role + "\",\"public_address\":\"127.0.0.1\"," +
               "\"internal_address\":\"127.0.0.1\",\"relay_group\":\"" + relayGroup + "\"," +
               "\"agent_endpoint\":\"127.0.0.1:" + (40000 + slot) + "\",\"overrides\":{\"janus_http_port\":" + base +
               ",\"janus_admin_port\":" + (base + 1) + ",\"coturn_listening_port\":" + (base + 2) +
               ",\"nginx_listen_port\":" + (base + 3) + "}" + extra + "}";
    }

    private static Response create(String body) {
        return mesh.asAdmin().post("/api/admin/servers", body);
    }

    @Test
    void createGetUpdateListAndDelete() {
        JsonNode created = create(server("rest-origin", "origin", "", "")).expect(201, "ok").body();
        long id = created.get("id").asLong();
        assertThat(created.get("role").asText()).isEqualTo("origin");
        assertThat(created.get("enabled").asBoolean()).isTrue();
        assertThat(created.get("status").asText()).isEqualTo("unknown");
        assertThat(created.get("last_checked_at").isNull()).isTrue();
        assertThat(created.get("agent_endpoint").asText()).startsWith("127.0.0.1:");
        int httpPort = created.get("overrides").get("janus_http_port").asInt();
        assertThat(created.get("overrides").get("janus_rec_dir").asText()).isEmpty();
        assertThat(created.get("endpoints").get("janus_api_url").asText())
                .isEqualTo("http://127.0.0.1:" + httpPort + "/janus");
        assertThat(created.get("created_at").asText()).endsWith("Z");

        assertThat(mesh.asAdmin().get("/api/admin/servers/" + id).expect(200, "ok").body())
                .isEqualTo(created);

        String changed = server("rest-origin-renamed", "origin", "", ",\"enabled\":false");
        JsonNode updated = mesh.asAdmin().put("/api/admin/servers/" + id, changed).expect(200, "ok")
                                         .body();
        assertThat(updated.get("name").asText()).isEqualTo("rest-origin-renamed");
        assertThat(updated.get("enabled").asBoolean()).isFalse();
        assertThat(updated.get("id").asLong()).isEqualTo(id);

        JsonNode list = mesh.asAdmin().get("/api/admin/servers?role=origin&enabled=false")
                                      .expect(200, "ok").body();
        assertThat(list.get("servers")).extracting(s -> s.get("name").asText()).contains("rest-origin-renamed");
        assertThat(list.get("next_cursor").isNull()).isTrue();

        mesh.asAdmin().delete("/api/admin/servers/" + id).expect(204);
        mesh.asAdmin().get("/api/admin/servers/" + id).expect(404, "SERVER_NOT_FOUND");
        mesh.asAdmin().delete("/api/admin/servers/" + id).expect(404, "SERVER_NOT_FOUND");
    }

    @Test
    void listFiltersByRelayGroupAndPages() {
        create(server("rest-relay-x", "relay", "rest-x", "")).expect(201, "ok");
        create(server("rest-edge-x", "edge", "rest-x", "")).expect(201, "ok");
        create(server("rest-edge-y", "edge", "rest-y", "")).expect(201, "ok");
        JsonNode group = mesh.asAdmin().get("/api/admin/servers?relay_group=rest-x").expect(200, "ok")
                                       .body().get("servers");
        assertThat(group).extracting(s -> s.get("name").asText()).containsExactly("rest-edge-x", "rest-relay-x");
        JsonNode edges = mesh.asAdmin().get("/api/admin/servers?role=edge&relay_group=rest-x")
                                       .expect(200, "ok").body().get("servers");
        assertThat(edges).extracting(s -> s.get("name").asText()).containsExactly("rest-edge-x");
        assertThat(mesh.asAdmin().get("/api/admin/servers?healthy=true").expect(200, "ok").body()
                                 .get("servers")).isEmpty();

        List<String> names = new ArrayList<>();
        String cursor = "";
        do {
            JsonNode page = mesh.asAdmin().get("/api/admin/servers?limit=1&cursor=" + cursor)
                                          .expect(200, "ok").body();
            page.get("servers").forEach(s -> names.add(s.get("name").asText()));
            cursor = page.get("next_cursor").isNull() ? "" : page.get("next_cursor").asText();
        } while (!cursor.isEmpty());
        assertThat(names).contains("rest-relay-x", "rest-edge-x", "rest-edge-y").doesNotHaveDuplicates();

        mesh.asAdmin().get("/api/admin/servers?role=satellite").expect(400, "INVALID_REQUEST");
        mesh.asAdmin().get("/api/admin/servers?enabled=yes").expect(400, "INVALID_REQUEST");
        mesh.asAdmin().get("/api/admin/servers?limit=0").expect(400, "INVALID_PAGINATION");
    }

    @Test
    void badServersAreRefusedWithTheirCodeAndNothingIsCreated() {
        create(server("rest-bad-role", "satellite", "", "")).expect(400, "INVALID_SERVER");
        create(server("rest-bad-public", "edge", "g", "").replace("\"public_address\":\"127.0.0.1\"",
                                                                   "\"public_address\":\"999.1.1.1\""))
                .expect(400, "INVALID_ADDRESS");
        create(server("rest-bad-internal", "edge", "g", "").replace("\"internal_address\":\"127.0.0.1\"",
                                                                     "\"internal_address\":\"not an address\""))
                .expect(400, "INVALID_ADDRESS");
        create(server("rest-bad-agent", "edge", "g", "").replaceAll("\"agent_endpoint\":\"[^\"]*\"",
                                                                     "\"agent_endpoint\":\"127.0.0.1\""))
                .expect(400, "INVALID_ADDRESS");
        Response groupless = create(server("rest-groupless", "relay", "", "")).expect(400, "INVALID_SERVER");
        assertThat(groupless.body().asText()).contains("relay_group");
        create(server("rest-grouped-origin", "origin", "g", "")).expect(400, "INVALID_SERVER");
        create(server("rest-bad name", "edge", "g", "")).expect(400, "INVALID_SERVER");
        create("{\"role\":\"edge\"}").expect(400, "MISSING_FIELD");
        create(server("rest-typed", "edge", "g", ",\"enabled\":\"yes\"")).expect(400, "INVALID_FIELD_TYPE");
        create(server("rest-typo", "edge", "g", "").replace("janus_http_port", "janus_http_prot"))
                .expect(400, "MALFORMED_BODY");
        create("{\"name\":").expect(400, "MALFORMED_BODY");

        JsonNode all = mesh.asAdmin().get("/api/admin/servers?limit=500").expect(200, "ok").body();
        assertThat(all.get("servers")).extracting(s -> s.get("name").asText())
                                      .noneMatch(name -> name.startsWith("rest-bad") || name.startsWith("rest-group") ||
                                                         name.startsWith("rest-typ"));
    }

    @Test
    void aTakenNameOrAddressIsAConflict() {
        JsonNode first = create(server("rest-dup", "edge", "g", "")).expect(201, "ok").body();
        create(server("rest-dup", "edge", "g", "")).expect(409, "SERVER_ALREADY_EXISTS");
        String sameAddressAndPorts = server("rest-dup-address", "edge", "g", "")
                .replaceAll("\"overrides\":\\{[^}]*}", "\"overrides\":" + first.get("overrides"));
        create(sameAddressAndPorts).expect(409, "SERVER_ALREADY_EXISTS");
        mesh.asAdmin().get("/api/admin/servers/" + first.get("id").asLong()).expect(200, "ok");
    }

    @Test
    void idsThatDoNotParseAre400AndUnknownOnes404() {
        mesh.asAdmin().get("/api/admin/servers/abc").expect(400, "INVALID_ID");
        mesh.asAdmin().get("/api/admin/servers/0").expect(400, "INVALID_ID");
        mesh.asAdmin().put("/api/admin/servers/1.5", server("x", "edge", "g", ""))
                      .expect(400, "INVALID_ID");
        mesh.asAdmin().delete("/api/admin/servers/-3").expect(400, "INVALID_ID");
        mesh.asAdmin().get("/api/admin/servers/987654321").expect(404, "SERVER_NOT_FOUND");
        mesh.asAdmin().put("/api/admin/servers/987654321", server("rest-ghost", "edge", "g", ""))
                      .expect(404, "SERVER_NOT_FOUND");
    }
}
