package io.mediamesh.media.room;

import io.mediamesh.api.v1.TextRoomEventType;
import io.mediamesh.api.v1.TextRoomMessage;
import io.mediamesh.common.time.Times;
import java.time.Instant;
import java.util.List;

/** One recorded text room message or announcement. */
public record TranscriptMessage(long id, long roomId, TextRoomEventType type, String sender, String senderDisplay,
                                List<String> recipients, String text, Instant sentAt, Instant recordedAt) {
    public TextRoomMessage toProto() {
        return TextRoomMessage.newBuilder().setId(id).setRoomId(roomId).setType(type).setSender(sender)
                              .setSenderDisplay(senderDisplay)
                              .addAllRecipients(recipients).setText(text).setSentAt(Times.toProto(sentAt))
                              .setRecordedAt(Times.toProto(recordedAt)).build();
    }
}
