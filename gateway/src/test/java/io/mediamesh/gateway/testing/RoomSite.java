package io.mediamesh.gateway.testing;

import io.mediamesh.media.testing.RoomMesh;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The site over real Janus servers, for one test class: a {@link RoomMesh}, a {@link RoomGateway} in front
 * of it, and Chromium ({@link Browser}) whose pages may load from the gateway's page origins. They start in
 * that order and stop in the reverse one.
 */
public record RoomSite(RoomMesh mesh, RoomGateway gateway, Browser browser)
        implements BeforeAllCallback, AfterAllCallback {

    /** The rig over {@code mesh}, as an extension of the test class. */
    public static RoomSite over(RoomMesh mesh) {
        RoomGateway gateway = new RoomGateway(mesh);
        return new RoomSite(mesh, gateway, new Browser(gateway::pageOrigins));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        mesh.beforeAll(context);
        gateway.beforeAll(context);
        browser.beforeAll(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        // Each stops even when the one before it failed to, as separate extensions would.
        try {
            browser.afterAll(context);
        } finally {
            try {
                gateway.afterAll(context);
            } finally {
                mesh.afterAll(context);
            }
        }
    }

    /** The gateway's origin, http://127.0.0.1:port. */
    public String origin() {
        return gateway.origin();
    }

    /** A client of the gateway's REST API, for what a test sets up without a page. */
    public Rest rest() {
        return gateway.rest();
    }
}
