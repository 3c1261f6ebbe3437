package io.mediamesh.gateway.room;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.annotation.Nullable;
import com.linecorp.armeria.server.annotation.Delete;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.mediamesh.api.v1.CreateStreamRequest;
import io.mediamesh.api.v1.DestroyStreamRequest;
import io.mediamesh.api.v1.ForwardStreamRequest;
import io.mediamesh.api.v1.GetStreamRequest;
import io.mediamesh.api.v1.ListStreamsRequest;
import io.mediamesh.api.v1.StartStreamRequest;
import io.mediamesh.api.v1.StopForwardingRequest;
import io.mediamesh.api.v1.StopStreamRequest;
import io.mediamesh.api.v1.WatchStreamRequest;
import io.mediamesh.gateway.MediaSvcClients;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.JsonBody;
import io.mediamesh.gateway.http.PathParams;
import io.mediamesh.gateway.room.LiveStreamViews.Created;
import io.mediamesh.gateway.room.LiveStreamViews.Ingest;
import io.mediamesh.gateway.room.LiveStreamViews.OneStream;
import io.mediamesh.gateway.room.LiveStreamViews.Stream;
import io.mediamesh.gateway.room.LiveStreamViews.StreamPage;
import io.mediamesh.gateway.room.LiveStreamViews.StreamWithTiers;
import io.mediamesh.gateway.room.LiveStreamViews.Tiers;
import io.mediamesh.gateway.room.LiveStreamViews.Watch;
import io.mediamesh.gateway.room.RoomViews.Server;
import java.util.concurrent.CompletableFuture;

/** Live streams (API.md "Media rooms", /api/streams), served by media-svc. */
public final class LiveStreamRoutes {
    private final MediaSvcClients media;

    public LiveStreamRoutes(MediaSvcClients media) {
        this.media = media;
    }

    @Post("/streams")
    public CompletableFuture<HttpResponse> create(RequestHeaders headers, AggregatedHttpRequest request) {
        JsonBody body = JsonBody.parse(request);
        CreateStreamRequest call = CreateStreamRequest.newBuilder().setName(body.requiredString("name"))
                .setAudio(body.optionalBoolean("audio").orElse(false))
                .setVideo(body.optionalBoolean("video").orElse(false))
                .setSimulcast(body.optionalBoolean("simulcast").orElse(false)).build();
        return Calls.as(headers, () -> media.streams().createStream(call)).thenApply(r -> Envelope.created(
                new Created(r.getStreamId(), Ingest.of(r.getIngest()), Stream.of(r.getStream()))));
    }

    /** Not in API.md's table: the listing users expect beside the other collections. */
    @Get("/streams")
    public CompletableFuture<HttpResponse> list(RequestHeaders headers, @Param("limit") @Nullable String limit,
                                                @Param("cursor") @Nullable String cursor,
                                                @Param("owned") @Nullable String owned) {
        ListStreamsRequest call = ListStreamsRequest.newBuilder().setLimit(PathParams.limit(limit))
                                                    .setCursor(cursor == null ? "" : cursor)
                                                    .setOwnedOnly("true".equals(owned)).build();
        return Calls.as(headers, () -> media.streams().listStreams(call)).thenApply(r -> Envelope.ok(
                new StreamPage(r.getStreamsList().stream().map(Stream::of).toList(),
                               RoomViews.cursor(r.getNextCursor()))));
    }

    @Get("/streams/{id}")
    public CompletableFuture<HttpResponse> get(RequestHeaders headers, @Param("id") String id) {
        GetStreamRequest call = GetStreamRequest.newBuilder().setStreamId(streamId(id)).build();
        return Calls.as(headers, () -> media.streams().getStream(call)).thenApply(r -> Envelope.ok(
                new StreamWithTiers(Stream.of(r.getStream()), LiveStreamViews.tiers(r.getTiersList()))));
    }

    @Post("/streams/{id}/forward")
    public CompletableFuture<HttpResponse> forward(RequestHeaders headers, @Param("id") String id) {
        ForwardStreamRequest call = ForwardStreamRequest.newBuilder().setStreamId(streamId(id)).build();
        return Calls.as(headers, () -> media.streamChanges().forwardStream(call)).thenApply(
                r -> Envelope.ok(new Tiers(LiveStreamViews.tiers(r.getTiersList()))));
    }

    @Delete("/streams/{id}/forward")
    public CompletableFuture<HttpResponse> stopForwarding(RequestHeaders headers, @Param("id") String id) {
        StopForwardingRequest call = StopForwardingRequest.newBuilder().setStreamId(streamId(id)).build();
        return Calls.as(headers, () -> media.streamChanges().stopForwarding(call)).thenApply(r -> HttpResponse.of(HttpStatus.NO_CONTENT));
    }

    @Post("/streams/{id}/watch")
    public CompletableFuture<HttpResponse> watch(RequestHeaders headers, @Param("id") String id) {
        WatchStreamRequest call = WatchStreamRequest.newBuilder().setStreamId(streamId(id)).build();
        return Calls.as(headers, () -> media.streams().watchStream(call)).thenApply(r -> Envelope.ok(
                new Watch(r.getServerUrl(), r.getMountpointId(), Server.of(r.getServer()))));
    }

    @Post("/streams/{id}/start")
    public CompletableFuture<HttpResponse> start(RequestHeaders headers, @Param("id") String id) {
        StartStreamRequest call = StartStreamRequest.newBuilder().setStreamId(streamId(id)).build();
        return Calls.as(headers, () -> media.streamChanges().startStream(call)).thenApply(
                r -> Envelope.ok(new OneStream(Stream.of(r.getStream()))));
    }

    @Post("/streams/{id}/stop")
    public CompletableFuture<HttpResponse> stop(RequestHeaders headers, @Param("id") String id) {
        StopStreamRequest call = StopStreamRequest.newBuilder().setStreamId(streamId(id)).build();
        return Calls.as(headers, () -> media.streamChanges().stopStream(call)).thenApply(
                r -> Envelope.ok(new OneStream(Stream.of(r.getStream()))));
    }

    @Delete("/streams/{id}")
    public CompletableFuture<HttpResponse> destroy(RequestHeaders headers, @Param("id") String id) {
        DestroyStreamRequest call = DestroyStreamRequest.newBuilder().setStreamId(streamId(id)).build();
        return Calls.as(headers, () -> media.streamChanges().destroyStream(call)).thenApply(r -> HttpResponse.of(HttpStatus.NO_CONTENT));
    }

    private static long streamId(String raw) {
        return PathParams.id(raw, "id");
    }
}
