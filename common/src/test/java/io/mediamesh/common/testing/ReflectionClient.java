package io.mediamesh.common.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.mediamesh.common.tls.CertifiedKey;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * What grpcurl does, in Java: learns a server's services through server reflection v1 and calls
 * a method with a message built from JSON against the fetched descriptors. It uses plain
 * grpc-java over grpc-netty-shaded and no generated stub, so it proves that any standard client
 * can talk to a service.
 */
public final class ReflectionClient implements AutoCloseable {
    private final ManagedChannel channel;

    /** `grpcurl -plaintext`, for a port outside the mesh (the gateway's management port). */
    public ReflectionClient(String host, int port) {
        channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
    }

    /** `grpcurl -cacert CA -cert CERT -key KEY`: over the mesh's mutual TLS, presenting {@code client}. */
    public ReflectionClient(String host, int port, CertifiedKey client, X509Certificate ca) {
        try {
            channel = NettyChannelBuilder.forAddress(host, port)
                                         .sslContext(GrpcSslContexts.forClient()
                                                                    .keyManager(client.key(), client.chain().toArray(
                                                                            X509Certificate[]::new))
                                                                    .trustManager(ca)
                                                                    .build())
                                         .build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** `grpcurl [-plaintext | -cacert -cert -key] HOST:PORT list` */
    public List<String> listServices() {
        ServerReflectionResponse response = reflect(
                ServerReflectionRequest.newBuilder().setListServices("").build());
        return response.getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName).toList();
    }

    /** `grpcurl -plaintext -H KEY:VALUE -d JSON HOST:PORT SERVICE/METHOD`, answered as JSON. */
    public String call(String service, String method, String jsonRequest, Map<String, String> headers)
            throws InvalidProtocolBufferException {
        MethodDescriptor methodDescriptor = describe(service).findMethodByName(method);
        if (methodDescriptor == null) {
            throw new IllegalArgumentException("No method " + method + " in " + service);
        }
        DynamicMessage.Builder request = DynamicMessage.newBuilder(methodDescriptor.getInputType());
        JsonFormat.parser().merge(jsonRequest, request);

        Metadata metadata = new Metadata();
        headers.forEach((k, v) -> metadata.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
        var intercepted = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(metadata));
        var grpcMethod = io.grpc.MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
                .setType(MethodType.UNARY)
                .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(service, method))
                .setRequestMarshaller(new DynamicMarshaller(methodDescriptor.getInputType()))
                .setResponseMarshaller(new DynamicMarshaller(methodDescriptor.getOutputType()))
                .build();
        DynamicMessage response = ClientCalls.blockingUnaryCall(
                intercepted, grpcMethod, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request.build());
        return JsonFormat.printer().print(response);
    }

    /** `grpcurl describe SERVICE`: the service's descriptor, with its file's dependencies resolved. */
    public ServiceDescriptor describe(String service) {
        Map<String, FileDescriptorProto> protos = new HashMap<>();
        ServerReflectionResponse response = reflect(
                ServerReflectionRequest.newBuilder().setFileContainingSymbol(service).build());
        List<ByteString> files = response.getFileDescriptorResponse().getFileDescriptorProtoList();
        String first = null;
        for (ByteString bytes : files) {
            FileDescriptorProto proto = parse(bytes);
            protos.put(proto.getName(), proto);
            first = first == null ? proto.getName() : first;
        }
        if (first == null) {
            throw new IllegalArgumentException("Unknown service " + service + ": " + response.getErrorResponse());
        }
        FileDescriptor file = build(first, protos, new HashMap<>());
        return file.findServiceByName(service.substring(service.lastIndexOf('.') + 1));
    }

    private FileDescriptor build(String name, Map<String, FileDescriptorProto> protos,
                                 Map<String, FileDescriptor> built) {
        FileDescriptor done = built.get(name);
        if (done != null) {
            return done;
        }
        FileDescriptorProto proto = protos.get(name);
        if (proto == null) {
            ServerReflectionResponse response = reflect(
                    ServerReflectionRequest.newBuilder().setFileByFilename(name).build());
            for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
                FileDescriptorProto fetched = parse(bytes);
                protos.putIfAbsent(fetched.getName(), fetched);
            }
            proto = protos.get(name);
        }
        List<FileDescriptor> dependencies = new ArrayList<>();
        for (String dependency : proto.getDependencyList()) {
            dependencies.add(build(dependency, protos, built));
        }
        try {
            FileDescriptor file = FileDescriptor.buildFrom(proto, dependencies.toArray(FileDescriptor[]::new));
            built.put(name, file);
            return file;
        } catch (DescriptorValidationException e) {
            throw new IllegalStateException(e);
        }
    }

    private ServerReflectionResponse reflect(ServerReflectionRequest request) {
        CompletableFuture<ServerReflectionResponse> result = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        result.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        result.completeExceptionally(new IllegalStateException("No reflection response"));
                    }
                });
        requests.onNext(request);
        requests.onCompleted();
        return result.join();
    }

    private static FileDescriptorProto parse(ByteString bytes) {
        try {
            return FileDescriptorProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }

    private record DynamicMarshaller(com.google.protobuf.Descriptors.Descriptor type)
            implements io.grpc.MethodDescriptor.Marshaller<DynamicMessage> {
        @Override
        public InputStream stream(DynamicMessage value) {
            return value.toByteString().newInput();
        }

        @Override
        public DynamicMessage parse(InputStream stream) {
            try {
                return DynamicMessage.parseFrom(type, stream);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
