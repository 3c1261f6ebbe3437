package io.mediamesh.media.stream;

import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.CreateStreamRequest;
import io.mediamesh.api.v1.CreateStreamResponse;
import io.mediamesh.api.v1.DestroyStreamRequest;
import io.mediamesh.api.v1.DestroyStreamResponse;
import io.mediamesh.api.v1.ForwardStreamRequest;
import io.mediamesh.api.v1.ForwardStreamResponse;
import io.mediamesh.api.v1.GetStreamRequest;
import io.mediamesh.api.v1.GetStreamResponse;
import io.mediamesh.api.v1.ListStreamsRequest;
import io.mediamesh.api.v1.ListStreamsResponse;
import io.mediamesh.api.v1.LiveStream;
import io.mediamesh.api.v1.MediaServerRef;
import io.mediamesh.api.v1.Principal;
import io.mediamesh.api.v1.StartStreamRequest;
import io.mediamesh.api.v1.StartStreamResponse;
import io.mediamesh.api.v1.StopForwardingRequest;
import io.mediamesh.api.v1.StopForwardingResponse;
import io.mediamesh.api.v1.StopStreamRequest;
import io.mediamesh.api.v1.StopStreamResponse;
import io.mediamesh.api.v1.StreamForwarder;
import io.mediamesh.api.v1.StreamIngest;
import io.mediamesh.api.v1.StreamIngestPort;
import io.mediamesh.api.v1.StreamMediaStatus;
import io.mediamesh.api.v1.StreamServiceGrpc;
import io.mediamesh.api.v1.StreamTier;
import io.mediamesh.api.v1.WatchStreamRequest;
import io.mediamesh.api.v1.WatchStreamResponse;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.paging.Page;
import io.mediamesh.media.stream.LiveStreams.StreamView;
import io.mediamesh.media.stream.StreamRecord.Forwarding;
import io.mediamesh.media.stream.TierRecord.ForwarderRecord;
import io.mediamesh.media.stream.TierRecord.TierPort;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * StreamService over gRPC. Anyone may read a stream, but its ingest and tiers are for its owner
 * and admins: everyone else gets the public view, made from media-svc's records alone. Runs on
 * the blocking executor.
 */
public final class StreamGrpcService extends StreamServiceGrpc.StreamServiceImplBase {
    private final LiveStreams streams;
    private final Callers callers;

    public StreamGrpcService(LiveStreams streams, Callers callers) {
        this.streams = streams;
        this.callers = callers;
    }

    @Override
    public void createStream(CreateStreamRequest request, StreamObserver<CreateStreamResponse> response) {
        StreamView view = streams.create(callers.require(), request.getName(), request.getAudio(), request.getVideo(),
                                         request.getSimulcast());
        response.onNext(CreateStreamResponse.newBuilder().setStreamId(view.stream().id()).setIngest(ingest(view))
                                            .setStream(stream(view, true)).build());
        response.onCompleted();
    }

    @Override
    public void getStream(GetStreamRequest request, StreamObserver<GetStreamResponse> response) {
        Optional<Principal> caller = callers.optional();
        StreamView view = streams.view(streams.find(request.getStreamId()));
        boolean insider = LiveStreams.isInsider(view.stream(), caller);
        GetStreamResponse.Builder out = GetStreamResponse.newBuilder().setStream(stream(view, insider));
        if (insider) {
            Map<Long, MountpointInfo> info = streams.edgeInfo(view);
            Map<Long, String> names = names(view);
            for (TierRecord tier : view.tiers()) {
                out.addTiers(tier(tier, names, Optional.ofNullable(info.get(tier.serverId()))));
            }
        }
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void forwardStream(ForwardStreamRequest request, StreamObserver<ForwardStreamResponse> response) {
        StreamView view = streams.forward(streams.findAsOwner(request.getStreamId()));
        ForwardStreamResponse.Builder out = ForwardStreamResponse.newBuilder();
        Map<Long, String> names = names(view);
        view.tiers().forEach(tier -> out.addTiers(tier(tier, names, Optional.empty())));
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void stopForwarding(StopForwardingRequest request, StreamObserver<StopForwardingResponse> response) {
        streams.stopForwarding(streams.findAsOwner(request.getStreamId()));
        response.onNext(StopForwardingResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void watchStream(WatchStreamRequest request, StreamObserver<WatchStreamResponse> response) {
        // Anyone may watch, but a session that is sent must be valid, as on every other call.
        callers.optional();
        StreamRecord stream = streams.find(request.getStreamId());
        TierRecord edge = streams.watch(stream);
        response.onNext(WatchStreamResponse.newBuilder().setServerUrl(edge.serverUrl()).setMountpointId(stream.id())
                                           .setServer(server(edge)).build());
        response.onCompleted();
    }

    @Override
    public void startStream(StartStreamRequest request, StreamObserver<StartStreamResponse> response) {
        StreamRecord stream = streams.setEnabled(streams.findAsOwner(request.getStreamId()), true);
        response.onNext(StartStreamResponse.newBuilder().setStream(stream(streams.view(stream), true)).build());
        response.onCompleted();
    }

    @Override
    public void stopStream(StopStreamRequest request, StreamObserver<StopStreamResponse> response) {
        StreamRecord stream = streams.setEnabled(streams.findAsOwner(request.getStreamId()), false);
        response.onNext(StopStreamResponse.newBuilder().setStream(stream(streams.view(stream), true)).build());
        response.onCompleted();
    }

    @Override
    public void destroyStream(DestroyStreamRequest request, StreamObserver<DestroyStreamResponse> response) {
        streams.destroy(streams.findAsOwner(request.getStreamId()));
        response.onNext(DestroyStreamResponse.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void listStreams(ListStreamsRequest request, StreamObserver<ListStreamsResponse> response) {
        Optional<Principal> caller = request.getOwnedOnly() ? Optional.of(callers.require()) : callers.optional();
        Optional<Long> owner = request.getOwnedOnly() ? caller.map(Principal::getUserId) : Optional.empty();
        Page.Result<StreamRecord> page = streams.page(owner, Page.of(request.getLimit(), request.getCursor()));
        ListStreamsResponse.Builder out = ListStreamsResponse.newBuilder().setNextCursor(page.nextCursor());
        streams.views(page.rows()).forEach(
                view -> out.addStreams(stream(view, LiveStreams.isInsider(view.stream(), caller))));
        response.onNext(out.build());
        response.onCompleted();
    }

    /** @param insider the owner or an admin asks: the ingest is shown */
    private static LiveStream stream(StreamView view, boolean insider) {
        StreamRecord stream = view.stream();
        LiveStream.Builder out = stream.toProto().setWatchable(
                stream.enabled() && stream.forwarding() == Forwarding.ON &&
                view.tiers().stream().anyMatch(tier -> tier.role() == TierRole.EDGE));
        return insider ? out.setIngest(ingest(view)).build() : out.build();
    }

    /** Where senders push: the origin's remote publisher port, one SSRC per line. */
    private static StreamIngest ingest(StreamView view) {
        TierRecord origin = view.origin();
        StreamIngest.Builder ingest = StreamIngest.newBuilder().setHost(origin.host());
        for (MediaLine line : MediaLine.of(view.stream())) {
            StreamIngestPort.Builder port = StreamIngestPort.newBuilder()
                    .setType(line.type()).setMid(line.mid()).setPort(origin.port(TierRecord.RTP))
                    .setRtcpPort(origin.port(TierRecord.RTCP)).setPayloadType(line.payloadType())
                    .setCodec(line.codec()).setSsrc((int) line.ssrc(0));
            for (int layer = 1; layer < line.layers(); layer++) {
                port.addSimulcastSsrcs((int) line.ssrc(layer));
            }
            ingest.addPorts(port);
        }
        return ingest.build();
    }

    private static Map<Long, String> names(StreamView view) {
        return view.tiers().stream().collect(Collectors.toMap(TierRecord::serverId, TierRecord::serverName));
    }

    /** @param names server names by id, of the stream's tiers */
    private static StreamTier tier(TierRecord tier, Map<Long, String> names, Optional<MountpointInfo> info) {
        StreamTier.Builder out = StreamTier.newBuilder().setServer(server(tier)).setRole(tier.role().proto())
                .setRelayGroup(tier.relayGroup()).setUpstreamServerId(tier.upstreamServerId())
                .addAllPorts(tier.ports().stream().map(TierPort::port).toList());
        if (tier.role() == TierRole.EDGE) {
            out.setMountpointId(tier.streamId());
        } else {
            out.setForwardRoomId(tier.streamId());
        }
        for (ForwarderRecord f : tier.forwarders()) {
            out.addForwarders(StreamForwarder.newBuilder().setForwarderId(f.forwarderId())
                                             .setType(MediaLine.typeOf(f.media())).setMid(f.mid())
                                             .setTargetServerId(f.targetServerId())
                                             .setTargetServerName(names.getOrDefault(f.targetServerId(), ""))
                                             .setHost(f.host())
                                             .setPort(f.port()));
        }
        info.ifPresent(live -> {
            out.setEnabled(live.enabled()).setViewers(live.viewers());
            for (MountpointInfo.MediaStatus media : live.media()) {
                out.addMedia(StreamMediaStatus.newBuilder().setType(MediaLine.typeOf(media.media()))
                                              .setMid(media.mid()).setAgeMs(media.ageMs()));
            }
        });
        return out.build();
    }

    private static MediaServerRef server(TierRecord tier) {
        return MediaServerRef.newBuilder().setId(tier.serverId()).setName(tier.serverName()).setUrl(tier.serverUrl())
                             .build();
    }
}
