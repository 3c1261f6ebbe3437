package io.mediamesh.media.stream;

import static io.mediamesh.common.testing.GrpcAssertions.assertFails;
import static io.mediamesh.media.db.Tables.STREAMS;
import static io.mediamesh.media.db.Tables.STREAM_PORTS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediamesh.api.v1.CreateStreamRequest;
import io.mediamesh.api.v1.CreateStreamResponse;
import io.mediamesh.api.v1.DestroyStreamRequest;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.ForwardStreamRequest;
import io.mediamesh.api.v1.GetStreamRequest;
import io.mediamesh.api.v1.GetStreamResponse;
import io.mediamesh.api.v1.ListStreamsRequest;
import io.mediamesh.api.v1.LiveStream;
import io.mediamesh.api.v1.MediaServer;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.StartStreamRequest;
import io.mediamesh.api.v1.StopForwardingRequest;
import io.mediamesh.api.v1.StopStreamRequest;
import io.mediamesh.api.v1.StreamIngestPort;
import io.mediamesh.api.v1.StreamServiceGrpc.StreamServiceBlockingStub;
import io.mediamesh.api.v1.StreamTier;
import io.mediamesh.api.v1.WatchStreamRequest;
import io.mediamesh.api.v1.WatchStreamResponse;
import io.mediamesh.common.testing.Await;
import io.mediamesh.media.janus.JanusClient;
import io.mediamesh.media.testing.JanusInstance;
import io.mediamesh.media.testing.JanusProbe;
import io.mediamesh.media.testing.RoomMesh;
import io.mediamesh.media.testing.RoomPeople;
import io.mediamesh.media.testing.RtpPackets;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Live streams through media-svc on four real Janus instances (origin, relay, two edges of the
 * relay's group): RTP sent into the origin's ingest is counted where it lands, in a recording of
 * each edge's mountpoint, and every tier is checked through Janus's own API.
 */
class LiveStreamsTest {
    private static final int PACKETS = 500;

    @RegisterExtension
    static final RoomMesh mesh = new RoomMesh().withEdges(2);

    static RoomPeople people;

    @BeforeAll
    static void signIn() {
        people = RoomPeople.signIn(mesh);
    }

    @Test
    void forwardedStreamReachesEveryEdgeAndStopsWhenForwardingStops() throws Exception {
        CreateStreamResponse created = create(people.alice(), "launch", true, true, false);
        assertThat(created.getIngest().getHost()).isEqualTo("127.0.0.1");
        assertThat(created.getIngest().getPortsList()).extracting(StreamIngestPort::getSsrc).containsExactly(1000, 1010);
        assertThat(created.getIngest().getPortsList()).extracting(StreamIngestPort::getPort).containsOnly(
                created.getIngest().getPorts(0).getPort());
        long id = created.getStreamId();

        List<StreamTier> tiers = streams(people.alice()).forwardStream(forward(id)).getTiersList();
        assertThat(tiers).extracting(StreamTier::getRole).containsExactly(
                MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN, MediaServerRole.MEDIA_SERVER_ROLE_RELAY,
                MediaServerRole.MEDIA_SERVER_ROLE_EDGE, MediaServerRole.MEDIA_SERVER_ROLE_EDGE);
        assertThat(tiers.get(0).getForwardersList()).hasSize(2)
                .allSatisfy(f -> assertThat(f.getTargetServerId()).isEqualTo(tiers.get(1).getServer().getId()));
        assertThat(tiers.get(1).getForwardersList()).hasSize(4);
        assertThat(tiers.get(2).getMountpointId()).isEqualTo(id);
        assertThat(forwarderCount(tiers.get(0), id)).isEqualTo(2);
        assertThat(streams(people.bob()).getStream(get(id)).getStream().getForwarding()).isTrue();

        assertDelivered(created, edges(tiers));

        streams(people.alice()).stopForwarding(StopForwardingRequest.newBuilder().setStreamId(id).build());
        assertThat(forwarderCount(tiers.get(0), id)).isZero();
        assertThat(roomExists(tiers.get(1), id)).isFalse();
        for (StreamTier edge : edges(tiers)) {
            assertThat(mountpointError(edge, id)).isEqualTo(455);
        }
        // Nothing reaches the ports where the edges listened any more.
        List<DatagramSocket> former = new ArrayList<>();
        for (StreamTier edge : edges(tiers)) {
            for (int port : edge.getPortsList()) {
                former.add(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            }
        }
        try {
            send(created, 100);
            for (DatagramSocket socket : former) {
                assertThat(RtpPackets.drain(socket, 300)).isZero();
            }
        } finally {
            former.forEach(DatagramSocket::close);
        }
        assertThat(streams(people.alice()).getStream(get(id)).getTiersList()).hasSize(1);
        assertThat(portsHeld(id)).containsExactlyInAnyOrderElementsOf(tiers.get(0).getPortsList());
    }

    @Test
    void anEdgeThatFailsUndoesTheOriginAndRelaySetup() {
        long id = create(people.alice(), "undo", true, true, false).getStreamId();
        JanusInstance edge2 = mesh.janusOf(server("edge2").getId());
        edge2.stop();
        try {
            String why = assertFails(ErrorCode.FAILED_CREATE_NEW_SESSION_HANDLE,
                                     () -> streams(people.alice()).forwardStream(forward(id)));
            assertThat(why).contains("gives no session");
        } finally {
            edge2.start();
        }
        assertNothingDownstream(id);

        // The stream works once the edge is back.
        assertThat(streams(people.alice()).forwardStream(forward(id)).getTiersCount()).isEqualTo(4);
        streams(people.alice()).destroyStream(DestroyStreamRequest.newBuilder().setStreamId(id).build());
    }

    @Test
    void anEdgeRefusingTheMountpointIsFailedStreamingForwardAndUndone() throws Exception {
        long id = create(people.alice(), "refused", true, false, false).getStreamId();
        // Every port of edge2's streaming range is held, so its Janus cannot open the mountpoint.
        JanusInstance.Ports range = mesh.janusOf(server("edge2").getId()).streamingPorts();
        List<DatagramSocket> held = new ArrayList<>();
        try {
            for (int port = range.min(); port <= range.max(); port++) {
                try {
                    held.add(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
                } catch (SocketException inUse) {
                    // Held already (by another stream's mountpoint): as good.
                }
            }
            String why = assertFails(ErrorCode.FAILED_STREAMING_FORWARD,
                                     () -> streams(people.alice()).forwardStream(forward(id)));
            assertThat(why).contains("edge2");
        } finally {
            held.forEach(DatagramSocket::close);
        }
        assertNothingDownstream(id);
    }

    @Test
    void watchPicksAnEdgeAndStartStopTogglesEveryEdgeMountpoint() {
        long id = create(people.alice(), "watch", true, true, false).getStreamId();
        assertFails(ErrorCode.FAILED_STREAMING_WATCH, () -> streams(people.bob()).watchStream(watch(id)));
        List<StreamTier> tiers = streams(people.alice()).forwardStream(forward(id)).getTiersList();

        WatchStreamResponse watched = streams(null).watchStream(watch(id));
        assertThat(watched.getMountpointId()).isEqualTo(id);
        assertThat(edges(tiers)).extracting(t -> t.getServer().getId()).contains(watched.getServer().getId());
        assertThat(watched.getServerUrl()).isEqualTo(watched.getServer().getUrl()).isNotEmpty();

        assertFails(ErrorCode.PERMISSION_DENIED,
                    () -> streams(people.bob()).stopStream(StopStreamRequest.newBuilder().setStreamId(id).build()));
        LiveStream stopped = streams(people.alice()).stopStream(StopStreamRequest.newBuilder().setStreamId(id).build())
                                                    .getStream();
        assertThat(stopped.getEnabled()).isFalse();
        assertThat(stopped.getForwarding()).isTrue();
        for (StreamTier edge : edges(tiers)) {
            assertThat(mountpointInfo(edge, id).path("enabled").asBoolean()).isFalse();
        }
        assertThat(streams(people.alice()).getStream(get(id)).getTiersList()).filteredOn(t -> t.getMountpointId() != 0)
                .hasSize(2).allSatisfy(t -> assertThat(t.getEnabled()).isFalse());
        assertThat(streams(people.bob()).getStream(get(id)).getStream().getWatchable()).isFalse();
        assertFails(ErrorCode.FAILED_STREAMING_WATCH, () -> streams(people.bob()).watchStream(watch(id)));

        assertThat(streams(people.admin()).startStream(StartStreamRequest.newBuilder().setStreamId(id).build())
                          .getStream().getEnabled()).isTrue();
        for (StreamTier edge : edges(tiers)) {
            assertThat(mountpointInfo(edge, id).path("enabled").asBoolean()).isTrue();
        }
        assertThat(streams(people.bob()).watchStream(watch(id)).getMountpointId()).isEqualTo(id);

        // A stopped stream forwarded later gets its mountpoints disabled from the start.
        streams(people.alice()).stopStream(StopStreamRequest.newBuilder().setStreamId(id).build());
        streams(people.alice()).stopForwarding(StopForwardingRequest.newBuilder().setStreamId(id).build());
        for (StreamTier edge : edges(streams(people.alice()).forwardStream(forward(id)).getTiersList())) {
            assertThat(mountpointInfo(edge, id).path("enabled").asBoolean()).isFalse();
        }
    }

    @Test
    void aRestartedRelayGetsTheStreamBackAndMediaFlowAgain() throws Exception {
        CreateStreamResponse created = create(people.alice(), "restart", true, true, false);
        long id = created.getStreamId();
        List<StreamTier> tiers = streams(people.alice()).forwardStream(forward(id)).getTiersList();
        send(created, 50);

        mesh.janusOf(tiers.get(1).getServer().getId()).restart();
        Await.until("the relay has the stream back", Duration.ofSeconds(15),
                    () -> roomExists(tiers.get(1), id) && forwarderCount(tiers.get(1), id) == 4);
        assertDelivered(created, edges(tiers));

        mesh.janusOf(tiers.get(2).getServer().getId()).restart();
        Await.until("the edge has the stream back", Duration.ofSeconds(15), () -> mountpointError(tiers.get(2), id) == 0);
        assertDelivered(created, edges(tiers));
    }

    @Test
    void aMediaSvcRestartKeepsEveryStreamAndItsTiers() throws Exception {
        CreateStreamResponse created = create(people.alice(), "kept", true, true, true);
        long id = created.getStreamId();
        streams(people.alice()).forwardStream(forward(id));
        GetStreamResponse before = streams(people.alice()).getStream(get(id));

        mesh.restartMediaSvc();

        GetStreamResponse after = streams(people.alice()).getStream(get(id));
        assertThat(after.getStream()).isEqualTo(before.getStream());
        assertThat(after.getTiersList()).extracting(StreamTier::getForwardersList)
                .isEqualTo(before.getTiersList().stream().map(StreamTier::getForwardersList).toList());
        assertDelivered(created, edges(after.getTiersList()));
    }

    @Test
    void simulcastLayersEachGetAForwarderAndAMountpointPort() {
        CreateStreamResponse created = create(people.alice(), "layers", false, true, true);
        assertThat(created.getIngest().getPorts(0).getSimulcastSsrcsList()).containsExactly(1001, 1002);
        List<StreamTier> tiers = streams(people.alice()).forwardStream(forward(created.getStreamId())).getTiersList();
        assertThat(tiers.get(0).getForwardersList()).hasSize(3);
        assertThat(tiers.get(2).getPortsList()).hasSize(3);
        assertThat(mountpointInfo(tiers.get(2), created.getStreamId()).path("media").get(0)
                                                                     .path("videosimulcast").asBoolean()).isTrue();
    }

    @Test
    void destroyRemovesTheStreamFromEveryTierAndReleasesItsPorts() {
        CreateStreamResponse created = create(people.alice(), "gone", true, false, false);
        long id = created.getStreamId();
        List<StreamTier> tiers = streams(people.alice()).forwardStream(forward(id)).getTiersList();
        assertFails(ErrorCode.PERMISSION_DENIED,
                    () -> streams(people.bob()).destroyStream(DestroyStreamRequest.newBuilder().setStreamId(id)
                                                                              .build()));

        streams(people.alice()).destroyStream(DestroyStreamRequest.newBuilder().setStreamId(id).build());
        assertThat(roomExists(tiers.get(0), id)).isFalse();
        assertThat(roomExists(tiers.get(1), id)).isFalse();
        assertThat(mountpointError(tiers.get(2), id)).isEqualTo(455);
        assertThat(portsHeld(id)).isEmpty();
        assertFails(ErrorCode.STREAM_NOT_FOUND, () -> streams(people.bob()).getStream(get(id)));
        assertFails(ErrorCode.STREAM_NOT_FOUND,
                    () -> streams(people.alice()).destroyStream(DestroyStreamRequest.newBuilder().setStreamId(id)
                                                                                .build()));
    }

    @Test
    void streamsNeverShareAPort() {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long id = create(people.bob(), "ports " + i, true, true, false).getStreamId();
            ports.addAll(streams(people.bob()).forwardStream(forward(id)).getTiersList().stream()
                                              .flatMap(t -> t.getPortsList().stream()
                                                             .map(p -> (int) (t.getServer().getId() * 100_000 + p)))
                                              .toList());
        }
        assertThat(ports).doesNotHaveDuplicates();
        assertThat(streams(people.bob()).listStreams(ListStreamsRequest.newBuilder().setOwnedOnly(true).build())
                                        .getStreamsList()).hasSize(4);
    }

    @Test
    void ingestAndTiersAreForTheOwnerAndAdminsAndEveryoneElseGetsThePublicView() {
        CreateStreamResponse created = create(people.alice(), "public", true, true, false);
        long id = created.getStreamId();
        assertThat(created.getStream().getIngest()).isEqualTo(created.getIngest());
        assertThat(created.getStream().getWatchable()).isFalse();
        streams(people.alice()).forwardStream(forward(id));

        for (String insider : new String[] {people.alice(), people.admin()}) {
            GetStreamResponse full = streams(insider).getStream(get(id));
            assertThat(full.getStream().getIngest()).isEqualTo(created.getIngest());
            assertThat(full.getTiersList()).hasSize(4);
        }
        for (String outsider : new String[] {null, people.bob()}) {
            GetStreamResponse open = streams(outsider).getStream(get(id));
            assertThat(open.getStream().hasIngest()).isFalse();
            assertThat(open.getTiersList()).isEmpty();
            assertThat(open.getStream().getName()).isEqualTo("public");
            assertThat(open.getStream().getOwner().getUserName()).isEqualTo("alice");
            assertThat(open.getStream().getEnabled()).isTrue();
            assertThat(open.getStream().getForwarding()).isTrue();
            assertThat(open.getStream().getWatchable()).isTrue();
        }
        ListStreamsRequest all = ListStreamsRequest.newBuilder().setLimit(100).build();
        assertThat(streams(null).listStreams(all).getStreamsList()).isNotEmpty()
                .allSatisfy(listed -> assertThat(listed.hasIngest()).isFalse());
        assertThat(streams(people.bob()).listStreams(all).getStreamsList())
                .filteredOn(listed -> listed.getStreamId() == id)
.singleElement().satisfies(listed -> assertThat(listed.hasIngest()).isFalse());
        assertThat(streams(people.alice()).listStreams(all).getStreamsList())
                .filteredOn(listed -> listed.getStreamId() == id)
.singleElement().satisfies(listed -> assertThat(listed.getIngest()).isEqualTo(created.getIngest()));
        assertThat(streams(people.admin()).listStreams(all).getStreamsList()).allSatisfy(
                listed -> assertThat(listed.hasIngest()).isTrue());
        assertFails(ErrorCode.UNAUTHENTICATED, () -> streams(null).listStreams(all.toBuilder().setOwnedOnly(true)
                                                                                  .build()));
        assertFails(ErrorCode.UNAUTHENTICATED, () -> streams("not-a-session").getStream(get(id)));
    }

    @Test
    void theIngestListensOnTheOriginsInternalAddressOnly() throws Exception {
        CreateStreamResponse created = create(people.alice(), "bound", true, false, false);
        StreamIngestPort port = created.getIngest().getPorts(0);
        // /proc/net/udp: local address as hex IPv4:port; 0100007F is 127.0.0.1, 00000000 every interface.
        List<String> sockets = Files.readAllLines(Path.of("/proc/net/udp")).stream().skip(1)
                                    .map(line -> line.trim().split("\\s+")[1]).toList();
        for (int bound : List.of(port.getPort(), port.getRtcpPort())) {
            String hexPort = String.format(":%04X", bound);
            assertThat(sockets).contains("0100007F" + hexPort).doesNotContain("00000000" + hexPort);
        }
    }

    @Test
    void readsOfAnyoneButTheOwnerNeverMultiplyRequestsToTheEdges() throws Exception {
        CreateStreamResponse created = create(people.alice(), "popular", true, true, false);
        long id = created.getStreamId();
        List<StreamTier> tiers = streams(people.alice()).forwardStream(forward(id)).getTiersList();
        double before = janusRequests(edges(tiers));

        // The public view comes from media-svc's records: no Janus is asked at all.
        ExecutorService readers = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> reads = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                reads.add(readers.submit(() -> streams(null).getStream(get(id))));
            }
            for (Future<?> read : reads) {
                read.get();
            }
            assertThat(janusRequests(edges(tiers))).isEqualTo(before);

            // Watching (anyone) and the owner's full view ask the edges at most once a second per stream.
            long started = System.nanoTime();
            reads.clear();
            for (int i = 0; i < 100; i++) {
                reads.add(readers.submit(() -> streams(null).watchStream(watch(id))));
                reads.add(readers.submit(() -> streams(people.alice()).getStream(get(id))));
            }
            for (Future<?> read : reads) {
                read.get();
            }
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds() + 1;
            assertThat(janusRequests(edges(tiers)) - before).isPositive()
                    .isLessThanOrEqualTo(edges(tiers).size() * seconds);
        } finally {
            readers.shutdownNow();
        }
    }

    @Test
    void badInputsAreRefusedWithTheirCodes() {
        assertFails(ErrorCode.UNAUTHENTICATED, () -> create(null, "x", true, false, false));
        assertFails(ErrorCode.INVALID_REQUEST, () -> create(people.alice(), "", true, false, false));
        assertFails(ErrorCode.INVALID_REQUEST, () -> create(people.alice(), "n".repeat(65), true, false, false));
        assertFails(ErrorCode.INVALID_REQUEST, () -> create(people.alice(), "line\nbreak", true, false, false));
        assertFails(ErrorCode.INVALID_REQUEST, () -> create(people.alice(), "silent", false, false, false));
        assertFails(ErrorCode.INVALID_REQUEST, () -> create(people.alice(), "layers", true, false, true));
        assertFails(ErrorCode.STREAM_NOT_FOUND, () -> streams(people.alice()).getStream(get(4242)));
        assertFails(ErrorCode.INVALID_ID, () -> streams(people.alice()).getStream(get(-1)));
        assertFails(ErrorCode.STREAM_NOT_FOUND, () -> streams(people.alice()).forwardStream(forward(4242)));
        assertFails(ErrorCode.UNAUTHENTICATED, () -> streams(null).forwardStream(forward(4242)));
        long id = create(people.alice(), "mine", true, false, false).getStreamId();
        assertFails(ErrorCode.PERMISSION_DENIED, () -> streams(people.bob()).forwardStream(forward(id)));
        assertThat(streams(people.admin()).forwardStream(forward(id)).getTiersCount()).isEqualTo(4);
        // Forwarding again is a no-op answering the same tiers.
        assertThat(streams(people.alice()).forwardStream(forward(id)).getTiersList())
                .isEqualTo(streams(people.alice()).forwardStream(forward(id)).getTiersList());
    }

    // --- helpers ---

    private static void assertNothingDownstream(long id) {
        GetStreamResponse stream = streams(people.alice()).getStream(get(id));
        assertThat(stream.getStream().getForwarding()).isFalse();
        assertThat(stream.getTiersList()).hasSize(1);
        StreamTier origin = stream.getTiers(0);
        assertThat(origin.getForwardersList()).isEmpty();
        assertThat(forwarderCount(origin, id)).isZero();
        assertThat(roomExists(tier(server("relay")), id)).isFalse();
        assertThat(mountpointError(tier(server("edge")), id)).isEqualTo(455);
        assertThat(portsHeld(id)).containsExactlyInAnyOrderElementsOf(origin.getPortsList());
    }

    /** Records each edge's mountpoint while RTP goes into the ingest, and counts what arrived. */
    private static void assertDelivered(CreateStreamResponse created, List<StreamTier> edges) {
        long id = created.getStreamId();
        List<Path> recordings = new ArrayList<>();
        for (StreamTier edge : edges) {
            JanusInstance janus = mesh.janusOf(edge.getServer().getId());
            String base = janus.recordings().resolve("stream-" + id + "-" + System.nanoTime()).toString();
            ObjectNode start = streamingBody(id, "recording");
            start.put("action", "start");
            if (created.getStream().getAudio()) {
                start.put("audio", base + "-audio");
                recordings.add(Path.of(base + "-audio.mjr"));
            }
            if (created.getStream().getVideo()) {
                start.put("video", base + "-video");
                recordings.add(Path.of(base + "-video.mjr"));
            }
            JanusProbe probe = probe(edge);
            assertThat(probe.request(probe.attach(JanusClient.STREAMING), start).path("streaming").asText())
                    .isEqualTo("ok");
        }
        send(created, PACKETS);
        // The last packets may still be on their way through relay and edge (Janus buffers the
        // recordings, so the files cannot tell): wait until every edge's lines have gone quiet.
        Await.until("every edge received the last packets", Duration.ofSeconds(5),
                    () -> edges.stream().allMatch(edge -> quiet(mountpointInfo(edge, id))));
        for (StreamTier edge : edges) {
            ObjectNode stop = streamingBody(id, "recording");
            stop.put("action", "stop");
            stop.put("audio", created.getStream().getAudio());
            stop.put("video", created.getStream().getVideo());
            JanusProbe probe = probe(edge);
            probe.request(probe.attach(JanusClient.STREAMING), stop);
        }
        for (Path recording : recordings) {
            assertThat(RtpPackets.countInRecording(recording)).as("packets in %s", recording)
                                                              .isGreaterThanOrEqualTo(PACKETS * 99 / 100);
        }
    }

    /** Requests media-svc sent to these tiers' Janus servers while serving calls so far (its /metrics). */
    private static double janusRequests(List<StreamTier> tiers) throws Exception {
        List<String> urls = tiers.stream().map(t -> mesh.janusOf(t.getServer().getId()).apiUrl()).toList();
        String metrics = mesh.mediaMetrics();
        return metrics.lines().filter(line -> line.startsWith("mediamesh_media_janus_requests_total{") &&
                                              urls.stream().anyMatch(url -> line.contains("janus=\"" + url + '"')))
                      .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static void send(CreateStreamResponse created, int count) {
        List<RtpPackets.Line> lines = new ArrayList<>();
        for (StreamIngestPort port : created.getIngest().getPortsList()) {
            lines.add(new RtpPackets.Line(port.getSsrc() & 0xffffffffL, port.getPayloadType()));
            port.getSimulcastSsrcsList().forEach(ssrc -> lines.add(new RtpPackets.Line(ssrc & 0xffffffffL,
                                                                                        port.getPayloadType())));
        }
        RtpPackets.send(created.getIngest().getHost(), created.getIngest().getPorts(0).getPort(), lines, count, 2000);
    }

    private static CreateStreamResponse create(String session, String name, boolean audio, boolean video,
                                               boolean simulcast) {
        return streams(session).createStream(CreateStreamRequest.newBuilder().setName(name).setAudio(audio)
                                                                .setVideo(video).setSimulcast(simulcast).build());
    }

    private static StreamServiceBlockingStub streams(String session) {
        return mesh.media(StreamServiceBlockingStub.class, session);
    }

    private static List<StreamTier> edges(List<StreamTier> tiers) {
        return tiers.stream().filter(t -> t.getRole() == MediaServerRole.MEDIA_SERVER_ROLE_EDGE).toList();
    }

    private static MediaServer server(String name) {
        return mesh.servers().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
    }

    private static StreamTier tier(MediaServer server) {
        return StreamTier.newBuilder().setServer(io.mediamesh.api.v1.MediaServerRef.newBuilder().setId(server.getId()))
                         .build();
    }

    private static List<Integer> portsHeld(long id) {
        return mesh.mediaDatabase().dsl().select(STREAM_PORTS.PORT).from(STREAM_PORTS)
                   .where(STREAM_PORTS.STREAM_ID.eq(id)).fetch(r -> r.value1());
    }

    private static String secret(long id) {
        return mesh.mediaDatabase().dsl().select(STREAMS.SECRET).from(STREAMS).where(STREAMS.ID.eq(id))
                   .fetchOne(r -> r.value1());
    }

    private static JanusProbe probe(StreamTier tier) {
        return new JanusProbe(mesh.janusOf(tier.getServer().getId()).apiUrl());
    }

    private static boolean roomExists(StreamTier tier, long id) {
        ObjectNode exists = JanusProbe.body("exists");
        exists.put("room", id);
        JanusProbe probe = probe(tier);
        return probe.request(probe.attach(JanusClient.VIDEOROOM), exists).path("exists").asBoolean();
    }

    private static int forwarderCount(StreamTier tier, long id) {
        ObjectNode list = JanusProbe.body("listforwarders");
        list.put("room", id);
        list.put("secret", secret(id));
        list.put("admin_key", mesh.janusConfig(MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN).getVideoroom().getAdminKey());
        JanusProbe probe = probe(tier);
        int count = 0;
        for (JsonNode publisher : probe.request(probe.attach(JanusClient.VIDEOROOM), list).path("publishers")) {
            count += publisher.path("forwarders").size();
        }
        return count;
    }

    private static JsonNode mountpointInfo(StreamTier tier, long id) {
        JanusProbe probe = probe(tier);
        return probe.request(probe.attach(JanusClient.STREAMING), streamingBody(id, "info")).path("info");
    }

    /** The Streaming plugin's error_code about the stream's mountpoint on {@code tier}; 0 if it is there. */
    private static int mountpointError(StreamTier tier, long id) {
        JanusProbe probe = probe(tier);
        return probe.request(probe.attach(JanusClient.STREAMING), streamingBody(id, "info")).path("error_code")
                    .asInt();
    }

    private static ObjectNode streamingBody(long id, String request) {
        ObjectNode body = JanusProbe.body(request);
        body.put("id", id);
        body.put("secret", secret(id));
        return body;
    }

    private static GetStreamRequest get(long id) {
        return GetStreamRequest.newBuilder().setStreamId(id).build();
    }

    private static ForwardStreamRequest forward(long id) {
        return ForwardStreamRequest.newBuilder().setStreamId(id).build();
    }

    private static WatchStreamRequest watch(long id) {
        return WatchStreamRequest.newBuilder().setStreamId(id).build();
    }

    /** Whether every line of a mountpoint got packets and its last one came over 100 ms ago. */
    private static boolean quiet(JsonNode info) {
        JsonNode media = info.path("media");
        return media.size() > 0 && StreamSupport.stream(media.spliterator(), false)
                .allMatch(m -> m.has("age_ms") && m.path("age_ms").asLong() > 100);
    }
}
