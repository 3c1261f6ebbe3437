package io.mediamesh.launcher;

import java.util.EnumMap;
import java.util.Map;

/**
 * How many replicas of each service {@code up} runs: {@code --replicas user-svc=2,gateway=2}; a service
 * not named runs one.
 */
record ReplicaCounts(Map<MeshService, Integer> counts) {
    static final int MAX = 9;

    ReplicaCounts {
        counts = Map.copyOf(counts);
    }

    static ReplicaCounts none() {
        return new ReplicaCounts(Map.of());
    }

    /** Parses {@code service=N[,service=N]...}; N from 1 to {@link #MAX}. */
    static ReplicaCounts parse(String text) {
        Map<MeshService, Integer> counts = new EnumMap<>(MeshService.class);
        for (String item : text.split(",")) {
            String[] pair = item.trim().split("=", -1);
            if (pair.length != 2) {
                throw new IllegalArgumentException("--replicas: \"" + item + "\" is not SERVICE=N");
            }
            MeshService service = MeshService.named(pair[0].trim()).orElseThrow(
                    () -> new IllegalArgumentException("--replicas: unknown service " + pair[0].trim()));
            int count;
            try {
                count = Integer.parseInt(pair[1].trim());
            } catch (NumberFormatException e) {
                count = 0;
            }
            if (count < 1 || count > MAX) {
                throw new IllegalArgumentException("--replicas: " + service.serviceName() + " needs a count from 1 to "
                                                   + MAX + ", not \"" + pair[1].trim() + "\"");
            }
            if (counts.put(service, count) != null) {
                throw new IllegalArgumentException("--replicas: " + service.serviceName() + " is named twice");
            }
        }
        return new ReplicaCounts(counts);
    }

    int of(MeshService service) {
        return counts.getOrDefault(service, 1);
    }
}
