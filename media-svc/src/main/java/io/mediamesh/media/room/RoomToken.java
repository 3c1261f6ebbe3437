package io.mediamesh.media.room;

/**
 * A user's access to one room: the token in the room's Janus allowed list and the identity they
 * join with (participant id for video rooms, username for text rooms).
 */
public record RoomToken(long roomId, long userId, String userName, long participantId, String username,
                        String display, String token) {}
