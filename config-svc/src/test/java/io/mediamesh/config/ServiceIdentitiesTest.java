package io.mediamesh.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ConfigServiceGrpc.ConfigServiceBlockingStub;
import io.mediamesh.api.v1.GetConfigRequest;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.common.testing.Strangers;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.config.testing.ConfigSvcFixture;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * config-svc's port over real gRPC and TLS: the Janus secrets go to media-svc's certificate on its
 * own (or an admin's session); another service's, an agent's, none and a self-made one are refused.
 */
class ServiceIdentitiesTest {
    @RegisterExtension
    static final ConfigSvcFixture fixture = new ConfigSvcFixture();

    private static final GetConfigRequest JANUS = GetConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_JANUS)
                                                                  .setRole(MediaServerRole.MEDIA_SERVER_ROLE_EDGE)
                                                                  .build();

    private static ConfigServiceBlockingStub configs(MeshTls as) {
        return TestMeshCa.grpc(as, fixture.port()).build(ConfigServiceBlockingStub.class);
    }

    @Test
    void onlyMediaSvcReadsTheSecretsOnItsOwn() {
        try (MeshTls scheduler = TestMeshCa.tls(Identity.SCHEDULER_SVC);
             MeshTls agent = TestMeshCa.tls(Identity.agent("edge-1"));
             MeshTls media = TestMeshCa.tls(Identity.MEDIA_SVC);
             Strangers strangers = new Strangers(Identity.MEDIA_SVC)) {
            Strangers.assertDenied(List.of(scheduler, agent), refused -> configs(refused).getConfig(JANUS));
            strangers.assertEachRefused(fixture.port(), ConfigServiceBlockingStub.class,
                                        stranger -> stranger.getConfig(JANUS));
            assertThat(configs(media).getConfig(JANUS).getRevision().getDocument().getJanus().getGeneral().getAdminSecret())
                    .isNotEmpty();
        }
    }
}
