package io.mediamesh.gateway.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.api.v1.RecordingConversion;
import io.mediamesh.api.v1.RecordingConversionState;
import io.mediamesh.api.v1.VideoRoomRecording;
import io.mediamesh.common.envelope.EnvelopeJson;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A recording file's conversion as the REST API shows it (openapi.json's Recordings schema): absent
 * while the file records, then its state in lower case, with the video and the error once known.
 * (media-svc's RecordingConversionTest makes real ones; no nginx serves the gateway tests' servers.)
 */
@Tag("fast")
class RecordingViewTest {
    private static final VideoRoomRecording FILE = VideoRoomRecording.newBuilder()
            .setFileName("videoroom-1-user-2-3-video-1.mjr").setParticipantId(2).setMedia("video").setSize(10).build();

    @Test
    void aFileStillRecordingHasNoConversion() {
        assertThat(EnvelopeJson.json(RoomViews.Recording.of(FILE))).doesNotContain("conversion");
    }

    @Test
    void aFailedConversionTellsItsVideoAndError() {
        String json = EnvelopeJson.json(RoomViews.Recording.of(FILE.toBuilder().setConversion(
                RecordingConversion.newBuilder().setState(RecordingConversionState.RECORDING_CONVERSION_STATE_FAILED)
                                   .setVideoId(42).setError("janus-pp-rec failed (exit code 1): bad").setAttempts(1))
                .build()));
        assertThat(json).contains("\"conversion\":{\"state\":\"failed\",\"video_id\":42," +
                                  "\"error\":\"janus-pp-rec failed (exit code 1): bad\",\"attempts\":1}");
    }

    @Test
    void aPendingConversionHasNeitherVideoNorErrorYet() {
        String json = EnvelopeJson.json(RoomViews.Recording.of(FILE.toBuilder().setConversion(
                RecordingConversion.newBuilder().setState(RecordingConversionState.RECORDING_CONVERSION_STATE_PENDING))
                .build()));
        assertThat(json).contains("\"conversion\":{\"state\":\"pending\",\"attempts\":0}");
    }
}
