package io.mediamesh.gateway;

import io.mediamesh.api.v1.SchedulerServiceGrpc.SchedulerServiceFutureStub;
import io.mediamesh.common.client.GrpcClientFactory;

/** The stub of scheduler-svc's service. */
public record SchedulerSvcClients(SchedulerServiceFutureStub scheduler) {
    public static SchedulerSvcClients create(GrpcClientFactory factory, String endpoint) {
        return new SchedulerSvcClients(factory.newStub(endpoint, SchedulerServiceFutureStub.class));
    }
}
