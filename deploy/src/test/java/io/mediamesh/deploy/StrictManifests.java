package io.mediamesh.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads manifests into fabric8's typed model, failing on any field the model does not know. The
 * model keeps unknown fields in each object's additionalProperties (an any-setter); this reader
 * takes the any-setter away, so that an unknown field is Jackson's unrecognized-property error,
 * naming the field and where it is. A kind the model does not know is an error too.
 */
final class StrictManifests {
    private final KubernetesSerialization serialization = new Strict();

    HasMetadata parse(ObjectNode doc, String origin) {
        KubernetesResource resource;
        try {
            resource = serialization.unmarshal(doc.toString(), KubernetesResource.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(origin + " " + describe(doc) + ": " + rootMessage(e), e);
        }
        if (!(resource instanceof HasMetadata typed) || resource instanceof GenericKubernetesResource) {
            throw new IllegalArgumentException(origin + " " + describe(doc) + ": not a kind the model knows");
        }
        return typed;
    }

    List<HasMetadata> parseAll(List<ObjectNode> docs, String origin) {
        return docs.stream().map(doc -> parse(doc, origin)).toList();
    }

    /** fabric8 wraps Jackson's error, which names the field, in one that says only "An error has occurred". */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    private static String describe(ObjectNode doc) {
        return doc.path("kind").asString() + "/" + doc.path("metadata").path("name").asString();
    }

    private static final class Strict extends KubernetesSerialization {
        Strict() {
            super(new ObjectMapper(), true);
        }

        @Override
        protected ObjectMapper configureMapper(ObjectMapper mapper) {
            SimpleModule noAnySetter = new SimpleModule("mediamesh-no-unknown-fields");
            noAnySetter.setDeserializerModifier(new ValueDeserializerModifier() {
                @Override
                public BeanDeserializerBuilder updateBuilder(DeserializationConfig config,
                                                             BeanDescription.Supplier description,
                                                             BeanDeserializerBuilder builder) {
                    builder.setAnySetter(null);
                    return builder;
                }
            });
            return super.configureMapper(mapper).rebuild()
                        .addModule(noAnySetter)
                        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .build();
        }
    }
}
