package io.mediamesh.launcher.plane;

import java.util.List;

/**
 * A media server of the demo plane, registered under {@code name} with {@code role} and
 * {@code relayGroup} ("" for none); its {@code slot} picks its ports (see {@link PlanePorts}).
 */
public record PlaneServer(String name, String role, String relayGroup, int slot) {
    /** One origin, one relay and two edges of the relay group "demo". */
    public static final List<PlaneServer> DEMO = List.of(new PlaneServer("demo-origin", "origin", "", 0),
                                                         new PlaneServer("demo-relay", "relay", "demo", 1),
                                                         new PlaneServer("demo-edge-1", "edge", "demo", 2),
                                                         new PlaneServer("demo-edge-2", "edge", "demo", 3));

    public PlanePorts ports(int offset) {
        return PlanePorts.of(slot, offset);
    }
}
