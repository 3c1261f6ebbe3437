package io.mediamesh.common.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.netty.util.internal.PlatformDependent;

/** The JVM's standard meters (Micrometer's binders), and Netty's count of the direct memory it took itself. */
final class JvmMeters {
    /** Prometheus: netty_direct_memory_used_bytes; -1 where Netty leaves the count to the JDK's buffer pool. */
    static final String NETTY_DIRECT = "netty.direct.memory.used";

    private JvmMeters() {}

    /** Binds the meters; close what it returns to stop following GC notifications (when the server stops). */
    static AutoCloseable bindTo(MeterRegistry registry) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder(NETTY_DIRECT, PlatformDependent::usedDirectMemory).baseUnit("bytes")
             .description("Direct memory Netty allocated without the JDK's cleaner (counted here, not in " +
                          "jvm_buffer_memory_used_bytes)").register(registry);
        return gc;
    }
}
