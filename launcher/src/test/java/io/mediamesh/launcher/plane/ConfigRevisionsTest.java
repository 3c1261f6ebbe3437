package io.mediamesh.launcher.plane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
final class ConfigRevisionsTest {
    @Test
    void coturnLosesItsCliAndTlsOnceAndKeepsTheRest() throws Exception {
        ObjectNode body = revision("{\"realm\":\"demo\",\"no_cli\":true}", ConfigRevisions::withoutCliOrTls).orElseThrow();
        assertThat(body.get("document")).isEqualTo(json("{\"realm\":\"demo\",\"no_cli\":true,\"no_tls\":true,\"no_dtls\":true}"));
        assertThat(body.get("message").asText()).isEqualTo("the message");
        assertThat(revision("{\"no_cli\":true,\"no_tls\":true,\"no_dtls\":true}", ConfigRevisions::withoutCliOrTls))
                .isEmpty();
    }

    @Test
    void nginxListensOnLoopbackOnly() throws Exception {
        assertThat(revision("{\"listen\":[]}", ConfigRevisions::listeningOnLoopback).orElseThrow().get("document"))
                .isEqualTo(json("{\"listen\":[{\"address\":\"127.0.0.1\",\"port\":80}]}"));
        assertThat(revision("{\"workers\":2}", ConfigRevisions::listeningOnLoopback).orElseThrow().get("document"))
                .isEqualTo(json("{\"workers\":2,\"listen\":[{\"address\":\"127.0.0.1\",\"port\":80}]}"));
        assertThat(revision("{\"listen\":[{\"address\":\"0.0.0.0\",\"port\":80},{\"address\":\"127.0.0.1\",\"port\":81}]}",
                            ConfigRevisions::listeningOnLoopback).orElseThrow().get("document"))
                .isEqualTo(json("{\"listen\":[{\"address\":\"127.0.0.1\",\"port\":80},{\"address\":\"127.0.0.1\",\"port\":81}]}"));
        assertThat(revision("{\"listen\":[{\"address\":\"127.0.0.1\",\"port\":80}]}", ConfigRevisions::listeningOnLoopback))
                .isEmpty();
    }

    @Test
    void janusGathersIceOnTheVethOnly() throws Exception {
        UnaryOperator<ObjectNode> onVeth = document -> ConfigRevisions.iceEnforcedOn(document, "mmplane0");
        assertThat(revision("{\"general\":{}}", onVeth).orElseThrow().get("document"))
                .isEqualTo(json("{\"general\":{},\"nat\":{\"ice_enforce_list\":\"mmplane0\"}}"));
        assertThat(revision("{\"nat\":{\"stun_port\":3478,\"ice_enforce_list\":\"eth0\"}}", onVeth).orElseThrow()
                                                                                             .get("document"))
                .isEqualTo(json("{\"nat\":{\"stun_port\":3478,\"ice_enforce_list\":\"mmplane0\"}}"));
        assertThat(revision("{\"nat\":{\"ice_enforce_list\":\"mmplane0\"}}", onVeth)).isEmpty();
    }

    private static Optional<ObjectNode> revision(String document, UnaryOperator<ObjectNode> edit) throws Exception {
        ObjectNode before = (ObjectNode) json(document);
        Optional<ObjectNode> revision = ConfigRevisions.revision(before, edit, "the message");
        assertThat(before).as("the document read").isEqualTo(json(document));
        return revision;
    }

    private static JsonNode json(String text) throws Exception {
        return AdminApi.JSON.readTree(text);
    }
}
