package io.mediamesh.media.fileserver;

import com.linecorp.armeria.common.util.EventLoopGroups;
import io.mediamesh.api.v1.ErrorCode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * media-svc's HTTP/1.1 server for the bytes of video files, on a port of its own: playback and
 * uploads, written straight on Netty so that a file goes from the page cache to the socket with
 * {@code sendfile(2)} (a {@link io.netty.channel.FileRegion}), with no copy through the JVM and no
 * buffer per client. Plain HTTP only: TLS, where wanted, ends in front of it.
 *
 * <p>Memory per connection is Netty's channel and decoder state (a few KiB, its request head at most
 * {@value #MAX_HEAD} bytes); what a transfer may hold beyond it is bounded by the routes (one read of
 * an upload's body, see the upload package).
 */
public final class FileServer implements AutoCloseable {
    /** Longest request line plus headers. */
    static final int MAX_HEAD = 16 * 1024;
    /** Largest piece of a request body handed on at once. */
    static final int MAX_BODY_PIECE = 64 * 1024;
    static final String CONNECTIONS_METER = "mediamesh.files.connections";

    private static final Logger logger = LoggerFactory.getLogger(FileServer.class);

    private final FileServerSettings settings;
    private final List<FileRoute> routes;
    private final ClientAddresses addresses;
    private final ChannelGroup connections = new DefaultChannelGroup("media-files", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup loops;
    private Channel listener;

    public FileServer(FileServerSettings settings, List<FileRoute> routes, MeterRegistry registry) {
        this.settings = settings;
        this.routes = List.copyOf(routes);
        this.addresses = new ClientAddresses(settings.trustedProxies());
        Gauge.builder(CONNECTIONS_METER, connections, ChannelGroup::size)
             .description("Open connections of the file server").register(registry);
    }

    /** Binds and starts accepting; returns the port (an ephemeral one when the settings say 0). */
    public synchronized int start() {
        if (listener != null) {
            return port();
        }
        int threads = settings.eventLoops() > 0 ? settings.eventLoops() : Runtime.getRuntime().availableProcessors();
        loops = EventLoopGroups.newEventLoopGroup(threads, "media-files", true);
        long idleMillis = settings.idleTimeout().toMillis();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops)
                .channel(EventLoopGroups.serverChannelType(loops))
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        HttpDecoderConfig decoder = new HttpDecoderConfig().setMaxInitialLineLength(MAX_HEAD)
                                                                           .setMaxHeaderSize(MAX_HEAD)
                                                                           .setMaxChunkSize(MAX_BODY_PIECE);
                        ch.pipeline().addLast(new HttpServerCodec(decoder),
                                              // Output progress counts, so a slow reader that still reads stays.
                                              new IdleStateHandler(true, 0, 0, idleMillis, TimeUnit.MILLISECONDS),
                                              new FileConnection(FileServer.this::dispatch, addresses));
                    }
                });
        listener = bootstrap.bind(new InetSocketAddress(settings.host(), settings.port())).syncUninterruptibly()
                            .channel();
        logger.info("media-svc file server listening on {}:{} (playback and uploads)", settings.host(), port());
        return port();
    }

    public synchronized int port() {
        if (listener == null) {
            throw new IllegalStateException("The file server is not started");
        }
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Stops accepting, closes every connection (transfers end, tokens come back), stops the threads. */
    @Override
    public synchronized void close() {
        if (listener == null) {
            return;
        }
        listener.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        listener = null;
    }

    private void dispatch(Exchange exchange) {
        String rawPath = exchange.rawPath();
        for (FileRoute route : routes) {
            if (route.handles(rawPath)) {
                route.serve(exchange);
                return;
            }
        }
        exchange.respondError(ErrorCode.NOT_FOUND, "No such resource on the file server.");
    }
}
