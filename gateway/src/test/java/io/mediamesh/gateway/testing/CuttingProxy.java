package io.mediamesh.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback in front of the gateway that, once armed, cuts the first connection whose
 * client has sent more than a given number of bytes: a dropped connection in the middle of an upload,
 * as a train going into a tunnel does it. Everything else passes through unchanged.
 */
public final class CuttingProxy implements AutoCloseable {
    private static final byte[] PARTIAL_ANSWER = "HTTP/1.1 5".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final AtomicLong cutAfter = new AtomicLong(Long.MAX_VALUE);
    private final AtomicBoolean cut = new AtomicBoolean();

    public CuttingProxy(int targetPort) {
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        Thread acceptor = new Thread(this::accept, "cutting-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String uri() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** Cuts the next connection whose client sends more than {@code bytes}, once. */
    public void cutOnceAfter(long bytes) {
        cut.set(false);
        cutAfter.set(bytes);
    }

    /** Whether a connection was cut since {@link #cutOnceAfter(long)}. */
    public boolean didCut() {
        return cut.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(target);
                pump(client, server, true);
                pump(server, client, false);
            } catch (IOException e) {
                // Closed, or the gateway went away: the client sees its connection end.
            }
        }
    }

    private void pump(Socket from, Socket to, boolean upstream) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            long sent = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                    sent += read;
                    if (upstream && sent > cutAfter.get() && cut.compareAndSet(false, true)) {
                        cutAfter.set(Long.MAX_VALUE);
                        // A few bytes of an answer first: a browser replays a request on its own when a
                        // reused connection closes before any answer, and the client would never see the cut.
                        from.getOutputStream().write(PARTIAL_ANSWER);
                        from.getOutputStream().flush();
                        from.shutdownOutput();
                        drain(from, in, buffer);
                        break;
                    }
                }
            } catch (IOException e) {
                // The other direction closed the sockets.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "cutting-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Reads and drops what the client still sends, for a moment: closing a socket with unread bytes
     * makes the kernel answer with a reset, which can overtake the partial answer, and the browser
     * would then replay the request on its own.
     */
    private static void drain(Socket client, InputStream in, byte[] buffer) throws IOException {
        client.setSoTimeout(2_000);
        try {
            while (in.read(buffer) >= 0) {
                // Dropped.
            }
        } catch (java.net.SocketTimeoutException e) {
            // The client kept sending; close anyway.
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
