package io.mediamesh.media.stream;

import io.mediamesh.api.v1.LiveStream;
import io.mediamesh.api.v1.RoomOwner;
import io.mediamesh.common.time.Times;
import java.time.Instant;

/** A stored stream; where it lives is in its {@link TierRecord}s. */
public record StreamRecord(long id, String name, boolean audio, boolean video, boolean simulcast, boolean enabled,
                           Forwarding forwarding, String secret, long ownerId, String ownerName, Instant createdAt) {
    /** The state of a stream's forwarding to relays and edges. */
    public enum Forwarding {
        OFF("off"), ON("on"),
        /** One request is setting it up or tearing it down. */
        CHANGING("changing");

        private final String dbName;

        Forwarding(String dbName) {
            this.dbName = dbName;
        }

        public String dbName() {
            return dbName;
        }

        public static Forwarding fromDb(String name) {
            for (Forwarding state : values()) {
                if (state.dbName.equals(name)) {
                    return state;
                }
            }
            throw new IllegalArgumentException("Unknown forwarding state " + name);
        }
    }

    public StreamRecord withEnabled(boolean on) {
        return new StreamRecord(id, name, audio, video, simulcast, on, forwarding, secret, ownerId, ownerName,
                                createdAt);
    }

    public LiveStream.Builder toProto() {
        return LiveStream.newBuilder().setStreamId(id).setName(name).setAudio(audio).setVideo(video)
                         .setSimulcast(simulcast).setEnabled(enabled).setForwarding(forwarding == Forwarding.ON)
                         .setOwner(RoomOwner.newBuilder().setUserId(ownerId).setUserName(ownerName))
                         .setCreatedAt(Times.toProto(createdAt));
    }
}
