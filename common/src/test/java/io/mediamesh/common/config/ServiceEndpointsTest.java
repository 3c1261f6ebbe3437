package io.mediamesh.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The endpoint settings' forms, and the refusal of a malformed one at start-up, naming its key. */
@Tag("fast")
class ServiceEndpointsTest {
    private static ServiceEndpoints load(String variable, String value) {
        return ServiceEndpoints.from(Configs.load(Map.of(variable, value)));
    }

    @Test
    void takesOneEndpointAListOrADnsName() {
        assertThat(ServiceEndpoints.from(Configs.load(Map.of())).userSvc()).isEqualTo("127.0.0.1:9101");
        assertThat(load("MEDIAMESH_USER_SVC_ENDPOINT", "10.0.0.1:9101,10.0.0.2:9101").userSvc())
                .isEqualTo("10.0.0.1:9101,10.0.0.2:9101");
        assertThat(load("MEDIAMESH_MEDIA_SVC_ENDPOINT", "dns:media-svc.mediamesh.svc:9102").mediaSvc())
                .isEqualTo("dns:media-svc.mediamesh.svc:9102");
        assertThat(load("MEDIAMESH_CONFIG_SVC_ENDPOINT", "[::1]:9103,config-2:9103").configSvc())
                .isEqualTo("[::1]:9103,config-2:9103");
    }

    @Test
    void aMalformedSettingIsRefusedNamingItsKeyAndTheForms() {
        assertThatThrownBy(() -> load("MEDIAMESH_USER_SVC_ENDPOINT", "10.0.0.1:9101,"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mediamesh.endpoints.user-svc (MEDIAMESH_USER_SVC_ENDPOINT)")
                .hasMessageContaining("an empty item")
                .hasMessageContaining("dns:host:port");
        assertThatThrownBy(() -> load("MEDIAMESH_MEDIA_SVC_ENDPOINT", "10.0.0.1:9102,media-2"))
                .hasMessageContaining("mediamesh.endpoints.media-svc").hasMessageContaining("\"media-2\" without a port");
        assertThatThrownBy(() -> load("MEDIAMESH_SCHEDULER_SVC_ENDPOINT", "dns:scheduler-svc.mediamesh.svc"))
                .hasMessageContaining("mediamesh.endpoints.scheduler-svc")
                .hasMessageContaining("\"scheduler-svc.mediamesh.svc\" without a port");
        assertThatThrownBy(() -> load("MEDIAMESH_CONFIG_SVC_ENDPOINT", "dns:"))
                .hasMessageContaining("mediamesh.endpoints.config-svc").hasMessageContaining("an empty item");
        assertThatThrownBy(() -> load("MEDIAMESH_USER_SVC_ENDPOINT", "user-svc:http"))
                .hasMessageContaining("mediamesh.endpoints.user-svc").hasMessageContaining("user-svc:http");
        assertThatThrownBy(() -> load("MEDIAMESH_USER_SVC_ENDPOINT", ""))
                .hasMessageContaining("mediamesh.endpoints.user-svc").hasMessageContaining("an empty item");
    }
}
