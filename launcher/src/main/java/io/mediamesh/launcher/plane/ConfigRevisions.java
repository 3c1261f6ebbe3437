package io.mediamesh.launcher.plane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The demo's changes to the config documents of every role, each made as a new revision once: an edit
 * gives the document to store, or the document itself when it already says what the demo needs.
 */
public final class ConfigRevisions {
    private static final List<String> ROLES = List.of("origin", "relay", "edge");
    private static final String LOOPBACK = "127.0.0.1";

    private ConfigRevisions() {}

    /** Four coturns on one host must not all take coturn's CLI and TLS ports: the demo turns them off. */
    public static void coturnForLoopback(AdminApi api) throws IOException, InterruptedException {
        revise(api, "coturn", ConfigRevisions::withoutCliOrTls,
               "media plane demo: several coturns on loopback, without CLI or TLS");
    }

    /** nginx listens on every address unless its document names one: the demo's on loopback only. */
    public static void nginxForLoopback(AdminApi api) throws IOException, InterruptedException {
        revise(api, "nginx", ConfigRevisions::listeningOnLoopback, "media plane demo: nginx on loopback only");
    }

    /** Every Janus gathers ICE candidates on {@code link} only. */
    public static void janusIceOn(AdminApi api, String link) throws IOException, InterruptedException {
        revise(api, "janus", document -> iceEnforcedOn(document, link),
               "media plane demo: ICE on the veth a browser on this machine reaches");
    }

    private static void revise(AdminApi api, String kind, UnaryOperator<ObjectNode> edit, String message)
            throws IOException, InterruptedException {
        for (String role : ROLES) {
            String path = "/api/admin/configs/" + kind + "/" + role;
            JsonNode document = api.get(path).at("/response/document");
            if (!document.isObject()) {
                throw new IOException("GET " + path + " gave no document");
            }
            Optional<ObjectNode> revision = revision((ObjectNode) document, edit, message);
            if (revision.isPresent()) {
                api.put(path, revision.get());
            }
        }
    }

    /** The PUT body of a new revision ({@code document}, {@code message}), when {@code edit} changes the document. */
    static Optional<ObjectNode> revision(ObjectNode document, UnaryOperator<ObjectNode> edit, String message) {
        ObjectNode edited = edit.apply(document.deepCopy());
        if (edited.equals(document)) {
            return Optional.empty();
        }
        ObjectNode body = AdminApi.JSON.createObjectNode();
        body.set("document", edited);
        body.put("message", message);
        return Optional.of(body);
    }

    static ObjectNode withoutCliOrTls(ObjectNode coturn) {
        for (String off : List.of("no_cli", "no_tls", "no_dtls")) {
            if (!coturn.path(off).asBoolean(false)) {
                coturn.put(off, true);
            }
        }
        return coturn;
    }

    /** Every listen address becomes 127.0.0.1; no listen at all becomes 127.0.0.1:80. */
    static ObjectNode listeningOnLoopback(ObjectNode nginx) {
        if (!nginx.path("listen").isArray() || nginx.path("listen").isEmpty()) {
            nginx.putArray("listen").addObject().put("address", LOOPBACK).put("port", 80);
            return nginx;
        }
        for (JsonNode listen : (ArrayNode) nginx.get("listen")) {
            if (!LOOPBACK.equals(listen.path("address").asText())) {
                ((ObjectNode) listen).put("address", LOOPBACK);
            }
        }
        return nginx;
    }

    static ObjectNode iceEnforcedOn(ObjectNode janus, String link) {
        if (!link.equals(janus.path("nat").path("ice_enforce_list").asText())) {
            ObjectNode nat = janus.path("nat").isObject() ? (ObjectNode) janus.get("nat") : janus.putObject("nat");
            nat.put("ice_enforce_list", link);
        }
        return janus;
    }
}
