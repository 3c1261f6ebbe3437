package io.mediamesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
final class MediaPlaneTest {
    @Test
    void theOriginsTheGatewayAllowsAreTheServersNginxURLs() {
        MediaPlane plane = new MediaPlane(Map.of("MEDIAMESH_HOME", "/tmp/home", "MEDIAMESH_MEDIA_PLANE_PORT_OFFSET", "700"),
                                          Console.system(), () -> false);
        assertThat(plane.origins()).containsExactly("http://127.0.0.1:18780", "http://127.0.0.1:18880",
                                                    "http://127.0.0.1:18980", "http://127.0.0.1:19080");
    }

    @Test
    void aWrongOffsetIsRefusedBeforeAnythingStarts() {
        assertThatThrownBy(() -> new MediaPlane(Map.of("MEDIAMESH_MEDIA_PLANE_PORT_OFFSET", "30000"), Console.system(),
                                                () -> false))
                .hasMessageContaining("MEDIAMESH_MEDIA_PLANE_PORT_OFFSET must be a number from 0 to 20000");
    }
}
