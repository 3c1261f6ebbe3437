package io.mediamesh.media.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.VideoRoomRecording;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.time.Times;
import io.mediamesh.media.janus.JanusServer;
import io.mediamesh.media.janus.MediaServers;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recording files of video rooms. Each room records into its own folder, named by its id,
 * below its server's rec_dir ({@link Rooms} creates it so on Janus); the folder is read through
 * the server's nginx, whose recordings location lists it as JSON (autoindex_format json). Runs on
 * the blocking executor.
 *
 * <p>nginx serves nothing there without a link signed with the nginx document's recordings
 * secret (secure_link): media-svc signs the folder it lists for itself, and each file's link for
 * the caller it answers (the room's owner or an admin), valid for the configured time. Links
 * keep media-svc off the download path and work from any origin, where a session cookie would
 * not reach the media server's nginx.
 *
 * <p>Files are ordered newest first by the time Janus started them (the microsecond timestamp in
 * its file names, else the file's modification time), then by name: a total order, so a cursor
 * made of both pages without skipping or repeating a file while others are being written.
 */
public final class RoomRecordings {
    private static final Logger logger = LoggerFactory.getLogger(RoomRecordings.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    // Janus's own names: videoroom-<room>-user-<participant>-<start, µs>-<media>-<mindex>.mjr.
    private static final Pattern JANUS_NAME = Pattern.compile("videoroom-\\d+-user-(\\d{1,18})-(\\d{1,18})-.*");
    // Janus ends every recording's name with the media it holds, whoever chose the rest.
    private static final Pattern MEDIA = Pattern.compile(".*-(audio|video|data)(?:-\\d+)?\\.mjr");
    private static final String CURSOR_PREFIX = "rec:";

    private final MediaServers servers;
    private final ConversionRepository conversions;
    private final WebClient http;
    private final Duration linkTtl;
    private final Clock clock;

    /**
     * @param conversions what became of ended recordings, told with each file
     * @param deadline limit of one read of a server's index
     * @param linkTtl how long a download link works
     */
    public RoomRecordings(MediaServers servers, ConversionRepository conversions, ClientFactory factory,
                          Duration deadline, Duration linkTtl, Clock clock) {
        this.servers = servers;
        this.conversions = conversions;
        this.http = WebClient.builder().factory(factory).responseTimeout(deadline).build();
        this.linkTtl = linkTtl;
        this.clock = clock;
    }

    /** A page of the room's recordings, newest first. */
    public Page.Result<VideoRoomRecording> page(Rooms.RecordedRoom room, int limit, String cursor) {
        // Page validates the limit as every list does; the cursor is this listing's own.
        int wanted = Page.of(limit, "").limit();
        Position after = cursor.isEmpty() ? null : Position.decode(cursor);
        List<Entry> newer = new ArrayList<>();
        for (Entry entry : list(servers.get(room.serverId()), room.roomId())) {
            if (after == null || entry.position().compareTo(after) > 0) {
                newer.add(entry);
            }
        }
        newer.sort(Comparator.comparing(Entry::position));
        ConversionRepository.Conversions ended = conversions.ofRoom(room.roomId());
        List<VideoRoomRecording> rows = newer.stream().limit(wanted).map(entry -> {
            VideoRoomRecording file = entry.file();
            return ended.of(file.getParticipantId(), entry.startedMicros())
                        .map(conversion -> file.toBuilder().setConversion(conversion).build()).orElse(file);
        }).toList();
        String next = newer.size() > wanted ? newer.get(wanted - 1).position().encode() : "";
        return new Page.Result<>(rows, next);
    }

    /**
     * Every file of a room's folder on server {@code serverId} (the room may be gone), its link
     * signed for media-svc itself to download.
     */
    List<Entry> files(long serverId, long roomId) {
        return list(servers.get(serverId), roomId);
    }

    /** The folder of one room on {@code server}; a room that never recorded has none (nginx: 404). */
    private List<Entry> list(JanusServer server, long roomId) {
        String base = server.recordingsUrl();
        if (base.isEmpty()) {
            throw new MediameshException(ErrorCode.SERVICE_UNAVAILABLE, "Server " + server.server().getName() +
                                                                       " serves no recordings location.");
        }
        if (server.recordingsSecret().isEmpty()) {
            throw new MediameshException(ErrorCode.SERVICE_UNAVAILABLE, "The nginx document of server " +
                                                                       server.server().getName() +
                                                                       " has no recordings_secret to sign links with.");
        }
        Signer signer = new Signer(URI.create(base).getPath() + roomId + '/', server.recordingsSecret(),
                                   clock.instant().plus(linkTtl).getEpochSecond());
        String folder = base + roomId + '/';
        AggregatedHttpResponse response;
        try {
            response = http.get(folder + signer.query("")).aggregate().join();
        } catch (CompletionException e) {
            throw unavailable(folder, String.valueOf(e.getCause()));
        }
        if (response.status().equals(HttpStatus.NOT_FOUND)) {
            return List.of();
        }
        if (!response.status().equals(HttpStatus.OK)) {
            // 403 too: nginx does not list it (recordings_autoindex off), or its secret is not the document's.
            throw unavailable(folder, "HTTP " + response.status().code());
        }
        JsonNode index;
        try {
            index = MAPPER.readTree(response.contentUtf8());
        } catch (IOException e) {
            throw unavailable(folder, "not a JSON index");
        }
        if (index == null || !index.isArray()) {
            throw unavailable(folder, "not a JSON index");
        }
        List<Entry> entries = new ArrayList<>();
        for (JsonNode item : index) {
            String name = item.path("name").asText();
            if ("file".equals(item.path("type").asText()) && name.endsWith(".mjr")) {
                entries.add(entry(folder, signer, name, item.path("size").asLong(), modified(folder, item)));
            }
        }
        return entries;
    }

    private static Entry entry(String folder, Signer signer, String name, long size, Instant modified) {
        VideoRoomRecording.Builder file = VideoRoomRecording.newBuilder().setFileName(name).setSize(size)
                .setModifiedAt(Times.toProto(modified)).setUrl(folder + pathSegment(name) + signer.query(name))
                .setUrlExpiresAt(Times.toProto(Instant.ofEpochSecond(signer.expires())));
        Matcher media = MEDIA.matcher(name);
        if (media.matches()) {
            file.setMedia(media.group(1));
        }
        long started = modified.getEpochSecond() * 1_000_000 + modified.getNano() / 1000;
        Matcher janus = JANUS_NAME.matcher(name);
        if (janus.matches()) {
            file.setParticipantId(Long.parseLong(janus.group(1)));
            started = Long.parseLong(janus.group(2));
        }
        return new Entry(new Position(started, name), file.build());
    }

    private static Instant modified(String folder, JsonNode item) {
        try {
            return ZonedDateTime.parse(item.path("mtime").asText(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw unavailable(folder, "an entry without a valid mtime");
        }
    }

    /** {@code name} as one URL path segment: every byte but the unreserved ones percent-encoded. */
    private static String pathSegment(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static MediameshException unavailable(String folder, String why) {
        // The folder's URL is an internal address: logged, not told.
        logger.warn("The recordings index {} cannot be read: {}", folder, why);
        return new MediameshException(ErrorCode.SERVICE_UNAVAILABLE, "The room's recordings cannot be read now.");
    }

    /** A file as listed, with when Janus started it. */
    record Entry(Position position, VideoRoomRecording file) {
        /** Microseconds since the epoch, from Janus's file name (else the modification time). */
        long startedMicros() {
            return position.started();
        }
    }

    /**
     * Links below one folder as nginx's secure_link checks them: md5 = base64url(MD5(expires +
     * decoded URI path + " " + secret)), the expression the rendered secure_link_md5 names.
     */
    private record Signer(String folderPath, String secret, long expires) {
        String query(String fileName) {
            byte[] digest;
            try {
                digest = MessageDigest.getInstance("MD5").digest(
                        (expires + folderPath + fileName + ' ' + secret).getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("Every JVM has MD5", e);
            }
            return "?md5=" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest) + "&expires=" + expires;
        }
    }

    /** Where a file stands in the listing: newer (greater start time) first, then by name. */
    record Position(long started, String name) implements Comparable<Position> {
        @Override
        public int compareTo(Position other) {
            int byTime = Long.compare(other.started, started);
            return byTime != 0 ? byTime : other.name.compareTo(name);
        }

        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    (CURSOR_PREFIX + started + ':' + name).getBytes(StandardCharsets.UTF_8));
        }

        static Position decode(String cursor) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int colon = text.indexOf(':', CURSOR_PREFIX.length());
                if (text.startsWith(CURSOR_PREFIX) && colon > 0) {
                    return new Position(Long.parseLong(text.substring(CURSOR_PREFIX.length(), colon)),
                                        text.substring(colon + 1));
                }
            } catch (IllegalArgumentException e) {
                // Falls through; NumberFormatException is an IllegalArgumentException.
            }
            throw new MediameshException(ErrorCode.INVALID_PAGINATION, "cursor is not one this service issued.");
        }
    }
}
