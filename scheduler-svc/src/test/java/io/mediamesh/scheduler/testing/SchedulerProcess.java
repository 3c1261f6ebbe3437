package io.mediamesh.scheduler.testing;

import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.config.ServiceEndpoints;
import io.mediamesh.common.testing.ServiceProcess;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.scheduler.Main;
import java.io.IOException;
import java.util.Map;

/**
 * scheduler-svc as a separate JVM ({@link ServiceProcess}), configured to use a test schema and the
 * test's services. Its output goes to target/scheduler-process-INSTANCE.log.
 */
public final class SchedulerProcess implements AutoCloseable {
    private final ServiceProcess process;

    private SchedulerProcess(ServiceProcess process) {
        this.process = process;
    }

    /**
     * @param properties configuration paths and values passed as {@code -Dpath=value}
     */
    public static SchedulerProcess start(String instanceId, DatabaseSettings database, ServiceEndpoints endpoints,
                                         Map<String, String> properties) throws IOException {
        Map<String, String> env = Map.of("MEDIAMESH_DB_URL", database.url(),
                                         "MEDIAMESH_SCHEDULER_SVC_DB_USER", database.user(),
                                         "MEDIAMESH_SCHEDULER_SVC_DB_PASSWORD", database.password(),
                                         "MEDIAMESH_SCHEDULER_SVC_DB_SCHEMA", database.schema(),
                                         "MEDIAMESH_SCHEDULER_SVC_PORT", "0",
                                         "MEDIAMESH_USER_SVC_ENDPOINT", endpoints.userSvc(),
                                         "MEDIAMESH_MEDIA_SVC_ENDPOINT", endpoints.mediaSvc(),
                                         "MEDIAMESH_SCHEDULER_INSTANCE_ID", instanceId);
        return new SchedulerProcess(ServiceProcess.start("scheduler-process-" + instanceId, Identity.SCHEDULER_SVC,
                                                         Main.class, env, properties));
    }

    /** Kills the process without letting it clean up (SIGKILL), as a crash or an OOM killer would. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String output() throws IOException {
        return process.output();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
