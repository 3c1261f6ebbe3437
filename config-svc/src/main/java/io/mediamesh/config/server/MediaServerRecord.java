package io.mediamesh.config.server;

import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.MediaServerEndpoints;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.ServerConfigState;
import io.mediamesh.api.v1.ServerOverrides;
import io.mediamesh.api.v1.ServerStatus;
import io.mediamesh.common.time.Times;
import java.time.Instant;
import java.util.List;

/**
 * A registered media server, as stored.
 *
 * @param lastCheckedAt null until the health check has seen the server
 * @param configs what was last recorded as active on it, per kind
 */
public record MediaServerRecord(long id, String name, MediaServerRole role, String publicAddress,
                                String internalAddress, String relayGroup, String agentEndpoint, boolean enabled,
                                ServerOverrides overrides, ServerStatus status, String statusMessage,
                                Instant lastCheckedAt, Instant createdAt, Instant updatedAt,
                                List<ActiveConfig> configs) {
    /**
     * A stand-in server of {@code role} on loopback with no overrides, for checking a role's
     * document when no server of the role is registered yet.
     */
    public static MediaServerRecord sample(MediaServerRole role) {
        Instant epoch = Instant.EPOCH;
        return new MediaServerRecord(0, "sample", role, "127.0.0.1", "127.0.0.1",
                                     role == MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN ? "" : "sample",
                                     "127.0.0.1:1", true, ServerOverrides.getDefaultInstance(),
                                     ServerStatus.SERVER_STATUS_UNKNOWN, "", null, epoch, epoch, List.of());
    }

    public MediaServer toProto(MediaServerEndpoints endpoints) {
        MediaServer.Builder proto = MediaServer.newBuilder()
                                               .setId(id)
                                               .setName(name)
                                               .setRole(role)
                                               .setPublicAddress(publicAddress)
                                               .setInternalAddress(internalAddress)
                                               .setRelayGroup(relayGroup)
                                               .setAgentEndpoint(agentEndpoint)
                                               .setEnabled(enabled)
                                               .setStatus(status)
                                               .setStatusMessage(statusMessage)
                                               .setOverrides(overrides)
                                               .setEndpoints(endpoints)
                                               .setCreatedAt(Times.toProto(createdAt))
                                               .setUpdatedAt(Times.toProto(updatedAt));
        if (lastCheckedAt != null) {
            proto.setLastCheckedAt(Times.toProto(lastCheckedAt));
        }
        configs.forEach(config -> proto.addConfigs(config.toProto()));
        return proto.build();
    }

    /** The version of one kind recorded as active on a server, and the revision it came from. */
    public record ActiveConfig(ConfigKind kind, String version, long revision,
                               Instant activatedAt) {
        ServerConfigState toProto() {
            return ServerConfigState.newBuilder()
                                    .setKind(kind)
                                    .setActiveVersion(version)
                                    .setRevision(revision)
                                    .setActivatedAt(Times.toProto(activatedAt))
                                    .build();
        }
    }
}
