package io.mediamesh.media.stream;

import io.mediamesh.api.v1.StreamMediaType;
import java.util.ArrayList;
import java.util.List;

/**
 * One media line of a stream as it travels between tiers. Codecs are fixed (Opus, VP8), and each
 * line has the SSRC a Janus remote publisher expects for its mindex (1000 + 10 * mindex; simulcast
 * layers add 1 and 2), so every tier's receiver can tell the lines apart on one port.
 */
public record MediaLine(StreamMediaType type, String mid, int mindex, int payloadType, String codec,
                        boolean simulcast) {
    private static final int OPUS_PAYLOAD_TYPE = 111;
    private static final int VP8_PAYLOAD_TYPE = 96;
    private static final long SSRC_BASE = 1000;
    private static final long SSRC_STEP = 10;

    /** The lines of a stream: audio first, then video. */
    public static List<MediaLine> of(StreamRecord stream) {
        List<MediaLine> lines = new ArrayList<>(2);
        if (stream.audio()) {
            lines.add(new MediaLine(StreamMediaType.STREAM_MEDIA_TYPE_AUDIO, mid(lines.size()), lines.size(),
                                    OPUS_PAYLOAD_TYPE,
                                    "opus", false));
        }
        if (stream.video()) {
            lines.add(new MediaLine(StreamMediaType.STREAM_MEDIA_TYPE_VIDEO, mid(lines.size()), lines.size(),
                                    VP8_PAYLOAD_TYPE,
                                    "vp8", stream.simulcast()));
        }
        return lines;
    }

    // Janus 1.1.2 names a remote publisher's streams by mindex, whatever mid it was given.
    private static String mid(int mindex) {
        return String.valueOf(mindex);
    }

    /** "audio" or "video", as Janus names a line's type. */
    public String media() {
        return type == StreamMediaType.STREAM_MEDIA_TYPE_AUDIO ? "audio" : "video";
    }

    /** The SSRC of simulcast layer {@code layer} (0 for a line without simulcast). */
    public long ssrc(int layer) {
        return SSRC_BASE + SSRC_STEP * mindex + layer;
    }

    /** Simulcast layers carried: 3 or 1. */
    public int layers() {
        return simulcast ? 3 : 1;
    }

    /** The purpose names of the ports an edge mountpoint needs for this line, one per layer. */
    public List<String> mountpointPurposes() {
        List<String> purposes = new ArrayList<>(3);
        purposes.add(media());
        for (int layer = 1; layer < layers(); layer++) {
            purposes.add(media() + (layer + 1));
        }
        return purposes;
    }

    static StreamMediaType typeOf(String media) {
        return "audio".equals(media) ? StreamMediaType.STREAM_MEDIA_TYPE_AUDIO : StreamMediaType.STREAM_MEDIA_TYPE_VIDEO;
    }
}
