package io.mediamesh.media.room;

/**
 * A user's access to one room: the token in the room's Janus allowed list and the identity it is
 * bound to, which they must join with (participant id for video rooms, username for text rooms,
 * and the display name).
 */
public record RoomToken(long roomId, long userId, String userName, long participantId, String username,
                        String display, String token) {
    public RoomToken withDisplay(String other) {
        return new RoomToken(roomId, userId, userName, participantId, username, other, token);
    }
}
