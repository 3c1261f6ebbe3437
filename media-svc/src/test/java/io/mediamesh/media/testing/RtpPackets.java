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
import java.util.concurrent.TimeUnit;

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

    /**
     * Sends {@code seconds} of real media in real time, as an encoder would: ffmpeg's test pattern
     * as VP8 (SSRC 1010, payload type 96) and a tone as Opus (SSRC 1000, payload type 111), both
     * to one RTP port (a remote publisher's audio at mindex 0 and video at mindex 1) with their
     * RTCP to {@code rtcpPort}. Returns once ffmpeg ended.
     */
    public static void sendTestPattern(String host, int port, int rtcpPort, int seconds) {
        String target = "rtp://" + host + ':' + port + "?rtcpport=" + rtcpPort + "&pkt_size=1200";
        try {
            Process ffmpeg = new ProcessBuilder(
                    "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-re",
                    "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15:duration=" + seconds,
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=" + seconds,
                    "-map", "0:v", "-c:v", "libvpx", "-deadline", "realtime", "-g", "15", "-b:v", "300k",
                    "-ssrc", "1010", "-payload_type", "96", "-f", "rtp", target,
                    "-map", "1:a", "-c:a", "libopus", "-ssrc", "1000", "-payload_type", "111", "-f", "rtp", target)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                if (!ffmpeg.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("ffmpeg did not end");
                }
            } finally {
                ffmpeg.destroyForcibly();
            }
            if (ffmpeg.exitValue() != 0) {
                throw new IllegalStateException("ffmpeg (./mediamesh test installs it) failed: " + ffmpeg.exitValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
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
