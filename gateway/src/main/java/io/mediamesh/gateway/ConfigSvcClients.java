package io.mediamesh.gateway;

import io.mediamesh.api.v1.ApplyServiceGrpc.ApplyServiceFutureStub;
import io.mediamesh.api.v1.ApplyServiceGrpc.ApplyServiceStub;
import io.mediamesh.api.v1.ConfigServiceGrpc.ConfigServiceFutureStub;
import io.mediamesh.api.v1.MediaServerServiceGrpc.MediaServerServiceFutureStub;
import io.mediamesh.common.client.GrpcClientFactory;

/**
 * The stubs of config-svc's services. {@code applyStreams} carries ApplyConfig's streams, with the
 * longer deadline of a whole apply.
 */
public record ConfigSvcClients(MediaServerServiceFutureStub servers, ConfigServiceFutureStub configs,
                               ApplyServiceFutureStub applies, ApplyServiceStub applyStreams) {
    public static ConfigSvcClients create(GrpcClientFactory factory, GrpcClientFactory applyFactory, String endpoint) {
        return new ConfigSvcClients(factory.newStub(endpoint, MediaServerServiceFutureStub.class),
                                    factory.newStub(endpoint, ConfigServiceFutureStub.class),
                                    factory.newStub(endpoint, ApplyServiceFutureStub.class),
                                    applyFactory.newStub(endpoint, ApplyServiceStub.class));
    }
}
