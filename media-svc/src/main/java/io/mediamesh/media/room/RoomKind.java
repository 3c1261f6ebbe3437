package io.mediamesh.media.room;

import io.mediamesh.media.janus.JanusClient;

/** Which Janus plugin a room lives in, with the plugin's own error codes that matter here. */
public enum RoomKind {
    VIDEO("video", JanusClient.VIDEOROOM, 426, 427, 428),
    TEXT("text", JanusClient.TEXTROOM, 417, 418, 423);

    private final String dbName;
    private final String plugin;
    private final int noSuchRoom;
    private final int roomExists;
    private final int noSuchParticipant;

    RoomKind(String dbName, String plugin, int noSuchRoom, int roomExists, int noSuchParticipant) {
        this.dbName = dbName;
        this.plugin = plugin;
        this.noSuchRoom = noSuchRoom;
        this.roomExists = roomExists;
        this.noSuchParticipant = noSuchParticipant;
    }

    public String dbName() {
        return dbName;
    }

    public String plugin() {
        return plugin;
    }

    public int noSuchRoom() {
        return noSuchRoom;
    }

    public int roomExists() {
        return roomExists;
    }

    public int noSuchParticipant() {
        return noSuchParticipant;
    }

    public static RoomKind fromDb(String name) {
        return "text".equals(name) ? TEXT : VIDEO;
    }
}
