package io.mediamesh.media.stream;

import java.util.List;

/**
 * An edge mountpoint's live state, as the Streaming plugin's `info` tells it.
 *
 * @param media per line, how long ago its last packet came
 */
public record MountpointInfo(boolean enabled, int viewers, List<MediaStatus> media) {
    public MountpointInfo {
        media = List.copyOf(media);
    }

    /** One line of the mountpoint: its media type ("audio"/"video"), mid, and the age of its last packet. */
    public record MediaStatus(String media, String mid, long ageMs) {}
}
