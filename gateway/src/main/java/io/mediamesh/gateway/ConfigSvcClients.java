package io.mediamesh.gateway;

import io.mediamesh.api.v1.ConfigServiceGrpc.ConfigServiceFutureStub;
import io.mediamesh.api.v1.MediaServerServiceGrpc.MediaServerServiceFutureStub;
import io.mediamesh.common.client.GrpcClientFactory;

/** The stubs of config-svc's services, sharing one client factory and deadline. */
public record ConfigSvcClients(MediaServerServiceFutureStub servers, ConfigServiceFutureStub configs) {
    public static ConfigSvcClients create(GrpcClientFactory factory, String endpoint) {
        return new ConfigSvcClients(factory.newStub(endpoint, MediaServerServiceFutureStub.class),
                                    factory.newStub(endpoint, ConfigServiceFutureStub.class));
    }
}
