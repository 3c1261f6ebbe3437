package io.mediamesh.media.room;

import io.mediamesh.api.v1.MediaServerRef;
import io.mediamesh.api.v1.RoomOwner;
import io.mediamesh.api.v1.TextRoom;
import io.mediamesh.api.v1.VideoRoom;
import io.mediamesh.common.time.Times;
import java.time.Instant;

/** A stored room: enough to answer about it and to re-create it on its Janus. */
public record RoomRecord(long id, RoomKind kind, String description, int maxPublishers, int history,
                         boolean recording, String secret, String postToken, long ownerId, String ownerName,
                         long serverId, String serverName, String serverUrl, Instant createdAt) {
    public RoomRecord withRecording(boolean on) {
        return new RoomRecord(id, kind, description, maxPublishers, history, on, secret, postToken, ownerId,
                              ownerName, serverId, serverName, serverUrl, createdAt);
    }

    /** @param withSecret only for admins */
    public VideoRoom toVideoProto(boolean withSecret) {
        return VideoRoom.newBuilder().setRoomId(id).setDescription(description).setMaxPublishers(maxPublishers)
                        .setRecording(recording).setOwner(owner()).setServer(server())
                        .setCreatedAt(Times.toProto(createdAt)).setSecret(withSecret ? secret : "").build();
    }

    /** @param withSecret only for admins */
    public TextRoom toTextProto(boolean withSecret) {
        return TextRoom.newBuilder().setRoomId(id).setDescription(description).setRecording(recording)
                       .setOwner(owner()).setServer(server()).setHistory(history)
                       .setCreatedAt(Times.toProto(createdAt)).setSecret(withSecret ? secret : "").build();
    }

    private RoomOwner owner() {
        return RoomOwner.newBuilder().setUserId(ownerId).setUserName(ownerName).build();
    }

    private MediaServerRef server() {
        return MediaServerRef.newBuilder().setId(serverId).setName(serverName).setUrl(serverUrl).build();
    }
}
