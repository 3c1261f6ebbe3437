package io.mediamesh.common.tls;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who a process of the mesh is: its certificate carries the URI SAN {@code spiffe://mediamesh/<name>}.
 * The services and the gateway have one identity each; every config agent has
 * {@code agent/<server name>}; {@code operator} is a person's tool (grpcurl, a script), which may
 * carry a user's session like the gateway does.
 */
public record Identity(String name) {
    // Before the constants below, which the constructor checks against it.
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}(/[A-Za-z0-9._-]{1,64})?");
    private static final String AGENT_PREFIX = "agent/";
    public static final String URI_PREFIX = "spiffe://mediamesh/";
    public static final Identity GATEWAY = new Identity("gateway");
    public static final Identity USER_SVC = new Identity("user-svc");
    public static final Identity MEDIA_SVC = new Identity("media-svc");
    public static final Identity CONFIG_SVC = new Identity("config-svc");
    public static final Identity SCHEDULER_SVC = new Identity("scheduler-svc");
    public static final Identity OPERATOR = new Identity("operator");

    public Identity {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Invalid mesh identity \"" + name + "\" (e.g. user-svc, agent/edge-1)");
        }
    }

    /** The identity of the config agent of the media server {@code serverName}. */
    public static Identity agent(String serverName) {
        return new Identity(AGENT_PREFIX + serverName);
    }

    /** The identity a certificate's URI SAN names, if it is a mesh identity. */
    public static Optional<Identity> fromUri(String uri) {
        if (!uri.startsWith(URI_PREFIX)) {
            return Optional.empty();
        }
        String name = uri.substring(URI_PREFIX.length());
        return NAME.matcher(name).matches() ? Optional.of(new Identity(name)) : Optional.empty();
    }

    public String uri() {
        return URI_PREFIX + name;
    }

    public boolean isAgent() {
        return name.startsWith(AGENT_PREFIX);
    }

    /** A file name for its certificate and key: the slash of an agent's identity becomes an underscore. */
    public String fileStem() {
        return name.replace('/', '_');
    }

    @Override
    public String toString() {
        return name;
    }
}
