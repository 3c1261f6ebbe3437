package io.mediamesh.gateway.room;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.google.protobuf.Timestamp;
import io.mediamesh.api.v1.MediaServerRef;
import io.mediamesh.api.v1.RecordingConversion;
import io.mediamesh.api.v1.RoomOwner;
import io.mediamesh.api.v1.TextRoom;
import io.mediamesh.api.v1.TextRoomMessage;
import io.mediamesh.api.v1.TextRoomParticipant;
import io.mediamesh.api.v1.TurnCredentials;
import io.mediamesh.api.v1.VideoRoom;
import io.mediamesh.api.v1.VideoRoomParticipant;
import io.mediamesh.api.v1.VideoRoomRecording;
import io.mediamesh.common.time.Times;
import java.util.List;
import java.util.Locale;

/** REST views of rooms (snake_case through Envelope); a secret is null unless media-svc sent one (admins). */
final class RoomViews {
    private RoomViews() {}

    record Server(long id, String name, String url) {
        static Server of(MediaServerRef ref) {
            return new Server(ref.getId(), ref.getName(), ref.getUrl());
        }
    }

    record Owner(long userId, String userName) {
        static Owner of(RoomOwner owner) {
            return new Owner(owner.getUserId(), owner.getUserName());
        }
    }

    record Room(long roomId, String description, Integer maxPublishers, Integer history, boolean recording,
                Owner owner, Server server, String createdAt, String secret) {
        static Room of(VideoRoom room) {
            return new Room(room.getRoomId(), room.getDescription(), room.getMaxPublishers(), null,
                            room.getRecording(), Owner.of(room.getOwner()), Server.of(room.getServer()),
                            time(room.getCreatedAt()), room.getSecret().isEmpty() ? null : room.getSecret());
        }

        static Room of(TextRoom room) {
            return new Room(room.getRoomId(), room.getDescription(), null, room.getHistory(), room.getRecording(),
                            Owner.of(room.getOwner()), Server.of(room.getServer()), time(room.getCreatedAt()),
                            room.getSecret().isEmpty() ? null : room.getSecret());
        }
    }

    record Participant(Long participantId, String username, String display, Boolean publisher, Long userId,
                       String userName) {
        static Participant of(VideoRoomParticipant p) {
            return new Participant(p.getParticipantId(), null, p.getDisplay(), p.getPublisher(),
                                   p.getUserId() == 0 ? null : p.getUserId(),
                                   p.getUserName().isEmpty() ? null : p.getUserName());
        }

        static Participant of(TextRoomParticipant p) {
            return new Participant(null, p.getUsername(), p.getDisplay(), null,
                                   p.getUserId() == 0 ? null : p.getUserId(),
                                   p.getUserName().isEmpty() ? null : p.getUserName());
        }
    }

    record RoomPage(List<Room> rooms, String nextCursor) {}

    record RoomWithParticipants(Room room, List<Participant> participants) {}

    record OneRoom(Room room) {}

    /**
     * {@code turn} is null when the room's server issues no TURN credentials; {@code iceTransportPolicy}
     * is the gateway's ("all" or "relay"), for the page's RTCPeerConnection.
     */
    record VideoJoin(String serverUrl, long roomId, long participantId, String token, Turn turn,
                     String iceTransportPolicy) {}

    record Turn(List<String> urls, String username, String password, String expiresAt) {
        static Turn of(TurnCredentials turn) {
            return new Turn(turn.getUrlsList(), turn.getUsername(), turn.getPassword(), time(turn.getExpiresAt()));
        }
    }

    record TextJoin(String serverUrl, long roomId, String username, String token) {}

    record Message(long id, String type, String sender, String senderDisplay, List<String> recipients, String text,
                   String sentAt) {
        static Message of(TextRoomMessage m) {
            return new Message(m.getId(), m.getType().name().substring("TEXT_ROOM_EVENT_TYPE_".length()).toLowerCase(
                    java.util.Locale.ROOT), m.getSender(), m.getSenderDisplay(), m.getRecipientsList(), m.getText(),
                               time(m.getSentAt()));
        }
    }

    record Transcript(List<Message> messages, String nextCursor) {}

    /**
     * {@code url} is signed for the caller and works until {@code urlExpiresAt}; {@code conversion}
     * is null while the file's recording goes on.
     */
    record Recording(String fileName, Long participantId, String media, long size, String modifiedAt, String url,
                     String urlExpiresAt, @JsonInclude(JsonInclude.Include.NON_NULL) Conversion conversion) {
        static Recording of(VideoRoomRecording r) {
            boolean linked = !r.getUrl().isEmpty();
            return new Recording(r.getFileName(), r.getParticipantId() == 0 ? null : r.getParticipantId(),
                                 r.getMedia(), r.getSize(), time(r.getModifiedAt()), linked ? r.getUrl() : null,
                                 linked ? time(r.getUrlExpiresAt()) : null,
                                 r.hasConversion() ? Conversion.of(r.getConversion()) : null);
        }
    }

    /** What became of a recording file: {@code state} pending, running, done or failed (with {@code error}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Conversion(String state, Long videoId, String error, int attempts) {
        static Conversion of(RecordingConversion c) {
            String state = c.getState().name().substring("RECORDING_CONVERSION_STATE_".length())
                            .toLowerCase(Locale.ROOT);
            return new Conversion(state, c.getVideoId() == 0 ? null : c.getVideoId(),
                                  c.getError().isEmpty() ? null : c.getError(), c.getAttempts());
        }
    }

    record Recordings(List<Recording> recordings, String nextCursor) {}

    static String time(Timestamp timestamp) {
        return Times.fromProto(timestamp).toString();
    }

    static String cursor(String next) {
        return next.isEmpty() ? null : next;
    }
}
