package io.mediamesh.media.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Plain RTP over loopback UDP, as an encoder pushing into an ingest would send it, and ways to count it. */
public final class RtpPackets {
    private static final int PAYLOAD = 100;

    private RtpPackets() {}

    /** One sender's line: the SSRC and payload type it uses. */
    public record Line(long ssrc, int payloadType) {}

    /**
     * Sends {@code count} packets per line to {@code host:port}, paced ({@code gapMicros} between
     * rounds) so loopback buffers are not what is measured.
     */
    public static void send(String host, int port, List<Line> lines, int count, long gapMicros) {
        try (DatagramSocket socket = new DatagramSocket()) {
            InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(host), port);
            for (int seq = 0; seq < count; seq++) {
                for (Line line : lines) {
                    ByteBuffer packet = ByteBuffer.allocate(12 + PAYLOAD);
                    packet.put((byte) 0x80).put((byte) line.payloadType()).putShort((short) seq)
                          .putInt(seq * 960).putInt((int) line.ssrc());
                    byte[] bytes = packet.array();
                    Arrays.fill(bytes, 12, bytes.length, (byte) 'x');
                    socket.send(new DatagramPacket(bytes, bytes.length, target));
                }
                long until = System.nanoTime() + gapMicros * 1000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The RTP packets in a Janus recording (.mjr v2: a header, then "MEET" + time + length + packet each). */
    public static int countInRecording(Path mjr) {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(mjr))) {
            byte[] magic = in.readNBytes(8);
            if (!new String(magic, StandardCharsets.US_ASCII).equals("MJR00002")) {
                throw new IllegalStateException(mjr + " is not a .mjr v2 file");
            }
            in.skipNBytes(in.readUnsignedShort());
            int frames = 0;
            while (in.available() > 0) {
                byte[] meet = in.readNBytes(4);
                if (!Arrays.equals(meet, "MEET".getBytes(StandardCharsets.US_ASCII))) {
                    throw new IllegalStateException(mjr + ": frame " + frames + " has no MEET marker");
                }
                in.readInt();
                in.skipNBytes(in.readUnsignedShort());
                frames++;
            }
            return frames;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts the datagrams arriving on a bound socket until {@code quietMillis} pass without one. */
    public static int drain(DatagramSocket socket, int quietMillis) {
        try {
            socket.setSoTimeout(quietMillis);
            byte[] buffer = new byte[2048];
            int received = 0;
            while (true) {
                try {
                    socket.receive(new DatagramPacket(buffer, buffer.length));
                    received++;
                } catch (SocketTimeoutException e) {
                    return received;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
