package io.mediamesh.config.testing;

import static io.mediamesh.api.v1.MediaServerRole.MEDIA_SERVER_ROLE_EDGE;
import static io.mediamesh.api.v1.MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN;

import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.NginxConfig;
import io.mediamesh.api.v1.PutConfigRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An {@link AgentFleet} of origin and edge agents whose servers the admin registered on a
 * {@link ConfigSvcFixture} ({@link ConfigSvcFixture#registerServers}), with new nginx revisions for an
 * apply to activate. Registered after the fixture (by {@code @Order}), it starts after it and stops before it.
 */
public final class ApplyAgents implements BeforeAllCallback, AfterAllCallback {
    private final ConfigSvcFixture fixture;
    private final AgentFleet fleet;
    private final AtomicInteger changes = new AtomicInteger();
    private String admin;
    private NginxConfig baseNginx;

    public ApplyAgents(ConfigSvcFixture fixture, List<String> serverNames, Map<String, String> settings) {
        this.fixture = fixture;
        this.fleet = new AgentFleet(serverNames, settings);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        fleet.beforeAll(context);
        admin = fixture.adminSession();
        fixture.registerServers(fleet.all(), admin);
        baseNginx = fixture.nginxDocument(admin, MEDIA_SERVER_ROLE_EDGE);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        fleet.afterAll(context);
    }

    public List<AgentProcess> all() {
        return fleet.all();
    }

    /** The admin's session, which registered the servers. */
    public String admin() {
        return admin;
    }

    /** A new nginx revision for both roles, so that an apply has something to activate; returns its number. */
    public int newNginxRevision() {
        int change = changes.incrementAndGet();
        for (MediaServerRole role : List.of(MEDIA_SERVER_ROLE_ORIGIN, MEDIA_SERVER_ROLE_EDGE)) {
            fixture.configs(admin).putConfig(PutConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                    .setRole(role).setDocument(ConfigDocument.newBuilder().setNginx(
                            baseNginx.toBuilder().addExtraLines("# change " + change)))
                    .setMessage("change " + change).build());
        }
        return change;
    }
}
