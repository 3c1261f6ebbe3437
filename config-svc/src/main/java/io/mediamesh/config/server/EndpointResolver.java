package io.mediamesh.config.server;

import io.mediamesh.api.v1.MediaServerEndpoints;
import java.util.function.Function;

/**
 * Derives a server's MediaServerEndpoints, which depend on its role's current janus and nginx
 * documents (kept by the revisions, outside this package).
 */
@FunctionalInterface
public interface EndpointResolver {
    /** A resolver for one request: it reads each role's documents at most once. */
    Function<MediaServerRecord, MediaServerEndpoints> forRequest();
}
