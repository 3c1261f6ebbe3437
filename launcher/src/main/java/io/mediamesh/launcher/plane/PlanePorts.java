package io.mediamesh.launcher.plane;

/**
 * The ports of one server of the demo plane: its agent, Janus's HTTP and admin APIs, nginx, coturn,
 * and the first ports of three ranges of {@link #RANGE} ports. Each server has ranges of its own: two
 * Janus on one host must not share RTP or mountpoint ports.
 */
public record PlanePorts(int agent, int janusHttp, int janusAdmin, int nginx, int coturn, int rtpBase,
                         int streamingBase, int relayBase) {
    /** Moves every port of the plane, to run it beside something that holds one of them. */
    public static final String OFFSET_VARIABLE = "MEDIAMESH_MEDIA_PLANE_PORT_OFFSET";
    public static final int RANGE = 1000;
    private static final int MAX_OFFSET = 20000;

    /** The ports of {@code slot}, each plus {@code offset}. */
    public static PlanePorts of(int slot, int offset) {
        return new PlanePorts(9111 + slot + offset, 18088 + 100 * slot + offset, 17088 + 100 * slot + offset,
                              18080 + 100 * slot + offset, 13478 + 10 * slot + offset,
                              20000 + RANGE * slot + offset, // Janus core
                              30000 + RANGE * slot + offset, // streaming mountpoints (stream ingest)
                              40000 + RANGE * slot + offset); // coturn relay ports
    }

    /** The offset {@link #OFFSET_VARIABLE} sets: 0 when unset, else a number from 0 to 20000. */
    public static int offset(String setting) {
        if (setting == null || setting.isEmpty()) {
            return 0;
        }
        if (!setting.matches("[0-9]{1,5}") || Integer.parseInt(setting) > MAX_OFFSET) {
            throw new IllegalArgumentException(OFFSET_VARIABLE + " must be a number from 0 to " + MAX_OFFSET
                                               + " (not " + setting + ")");
        }
        return Integer.parseInt(setting);
    }

    /** The last port of the range that starts at {@code base}. */
    static int last(int base) {
        return base + RANGE - 1;
    }
}
