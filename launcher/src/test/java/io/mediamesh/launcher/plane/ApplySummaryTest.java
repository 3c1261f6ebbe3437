package io.mediamesh.launcher.plane;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
final class ApplySummaryTest {
    @Test
    void theSummaryLineAndEveryFailedServer() throws Exception {
        String ndjson = """
                {"type":"started","apply_id":7,"kind":"janus"}
                {"type":"event","apply_id":7,"step":"activated","server_name":"demo-origin"}
                {"type":"summary","apply_id":7,"outcome":"partial","activated":3,"already_active":0,"failed":1,\
                "results":[{"server_name":"demo-origin","status":"activated"},\
                {"server_name":"demo-edge-2","status":"failed","message":"did not validate","tool_output":"line 3"}]}
                """;
        assertThat(ApplySummary.lines("janus", ndjson)).containsExactly(
                "janus: partial: 3 activated, 0 already active, 1 failed", "  demo-edge-2: did not validate line 3");
    }

    @Test
    void anApplyThatEndsWithoutASummarySaysSo() throws Exception {
        assertThat(ApplySummary.lines("nginx", "{\"type\":\"error\",\"code\":\"UNAVAILABLE\"}\n"))
                .containsExactly("nginx: the apply ended without a summary: {\"type\":\"error\",\"code\":\"UNAVAILABLE\"}");
    }
}
