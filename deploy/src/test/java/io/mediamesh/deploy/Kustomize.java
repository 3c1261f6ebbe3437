package io.mediamesh.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Renders a kustomization as {@code kubectl kustomize} does, for the subset this project's
 * manifests use: resources (files and folders with a kustomization), namespace, images, replicas
 * and patches made of JSON patch operations (add, remove, replace, test) on a kind and name.
 * Anything else in a kustomization.yaml (an unknown field, a strategic merge patch) is an error,
 * so a manifest never relies on a feature this renderer would silently skip.
 */
final class Kustomize {
    static final YAMLMapper YAML = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                                             .build();

    record Target(String kind, String name) {}

    record Patch(String path, Target target) {}

    record Image(String name, String newName, String newTag) {}

    record Replicas(String name, int count) {}

    record Kustomization(String apiVersion, String kind, String namespace, List<String> resources,
                         List<Image> images, List<Replicas> replicas, List<Patch> patches) {}

    private Kustomize() {}

    /** The documents of the kustomization in {@code dir}, in order. */
    static List<ObjectNode> render(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        Kustomization k;
        try {
            k = YAML.readValue(Files.readString(file), Kustomization.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        if (!"Kustomization".equals(k.kind()) || !"kustomize.config.k8s.io/v1beta1".equals(k.apiVersion())) {
            throw new IllegalArgumentException(file + ": not a kustomize.config.k8s.io/v1beta1 Kustomization");
        }
        List<ObjectNode> docs = new ArrayList<>();
        for (String resource : orEmpty(k.resources())) {
            Path path = dir.resolve(resource).normalize();
            docs.addAll(Files.isDirectory(path) ? render(path) : read(path));
        }
        for (Patch patch : orEmpty(k.patches())) {
            applyPatch(dir, patch, docs);
        }
        for (Image image : orEmpty(k.images())) {
            setImage(image, docs);
        }
        for (Replicas replicas : orEmpty(k.replicas())) {
            setReplicas(replicas, docs);
        }
        if (k.namespace() != null) {
            for (ObjectNode doc : docs) {
                if (!"Namespace".equals(doc.path("kind").asString())) {
                    ((ObjectNode) doc.get("metadata")).put("namespace", k.namespace());
                }
            }
        }
        return docs;
    }

    /** Every document of a YAML file (a manifest with --- separators). */
    static List<ObjectNode> read(Path file) {
        try {
            return readYaml(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    static List<ObjectNode> readYaml(String yaml, String origin) {
        List<ObjectNode> docs = new ArrayList<>();
        try (var values = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (values.hasNextValue()) {
                JsonNode doc = (JsonNode) values.nextValue();
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue;
                }
                if (!doc.isObject()) {
                    throw new IllegalArgumentException(origin + ": a document is not a mapping");
                }
                docs.add((ObjectNode) doc);
            }
        }
        return docs;
    }

    private static void applyPatch(Path dir, Patch patch, List<ObjectNode> docs) {
        if (patch.path() == null || patch.target() == null) {
            throw new IllegalArgumentException(dir + ": a patch needs a path and a target");
        }
        Path file = dir.resolve(patch.path());
        JsonNode ops;
        try {
            ops = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        if (!ops.isArray()) {
            throw new IllegalArgumentException(file + ": only JSON patches (a list of operations) are supported");
        }
        List<ObjectNode> targets = docs.stream()
                                       .filter(d -> patch.target().kind().equals(d.path("kind").asString())
                                                    && patch.target().name().equals(d.path("metadata").path("name")
                                                                                     .asString()))
                                       .toList();
        if (targets.isEmpty()) {
            throw new IllegalArgumentException(file + ": no " + patch.target().kind() + " named "
                                               + patch.target().name());
        }
        for (ObjectNode target : targets) {
            for (JsonNode op : ops) {
                try {
                    JsonPatch.apply(target, op);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private static void setImage(Image image, List<ObjectNode> docs) {
        for (ObjectNode doc : docs) {
            for (JsonNode container : doc.path("spec").path("template").path("spec").path("containers")) {
                String current = container.path("image").asString();
                int colon = current.lastIndexOf(':');
                String name = colon > current.lastIndexOf('/') ? current.substring(0, colon) : current;
                String tag = colon > current.lastIndexOf('/') ? current.substring(colon + 1) : "latest";
                if (name.equals(image.name())) {
                    String newName = image.newName() != null ? image.newName() : name;
                    String newTag = image.newTag() != null ? image.newTag() : tag;
                    ((ObjectNode) container).set("image", StringNode.valueOf(newName + ':' + newTag));
                }
            }
        }
    }

    private static void setReplicas(Replicas replicas, List<ObjectNode> docs) {
        List<ObjectNode> found = docs.stream()
                                     .filter(d -> "Deployment".equals(d.path("kind").asString())
                                                  && replicas.name().equals(d.path("metadata").path("name")
                                                                             .asString()))
                                     .toList();
        if (found.isEmpty()) {
            throw new IllegalArgumentException("replicas: no Deployment named " + replicas.name());
        }
        found.forEach(d -> ((ObjectNode) d.get("spec")).put("replicas", replicas.count()));
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    /** RFC 6902 operations on a document, in place. */
    static final class JsonPatch {
        private JsonPatch() {}

        static void apply(ObjectNode doc, JsonNode op) {
            String kind = op.path("op").asString();
            String path = op.path("path").asString();
            List<String> tokens = pointer(path);
            JsonNode parent = doc;
            for (String token : tokens.subList(0, tokens.size() - 1)) {
                parent = child(parent, token, path);
            }
            String last = tokens.get(tokens.size() - 1);
            switch (kind) {
                case "test" -> {
                    if (!op.get("value").equals(child(parent, last, path))) {
                        throw new IllegalArgumentException("test failed at " + path + ": expected "
                                                           + op.get("value") + ", found " + child(parent, last, path));
                    }
                }
                case "remove" -> {
                    child(parent, last, path);
                    if (parent instanceof ArrayNode array) {
                        array.remove(Integer.parseInt(last));
                    } else {
                        ((ObjectNode) parent).remove(last);
                    }
                }
                case "replace" -> {
                    child(parent, last, path);
                    set(parent, last, op.get("value"), false, path);
                }
                case "add" -> set(parent, last, op.get("value"), true, path);
                default -> throw new IllegalArgumentException("unsupported patch operation \"" + kind + "\" at " + path);
            }
        }

        private static List<String> pointer(String path) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("not a JSON pointer: " + path);
            }
            List<String> tokens = new ArrayList<>();
            for (String token : path.substring(1).split("/", -1)) {
                tokens.add(token.replace("~1", "/").replace("~0", "~"));
            }
            return tokens;
        }

        private static JsonNode child(JsonNode parent, String token, String path) {
            JsonNode child = parent.isArray() ? parent.get(index(token, path)) : parent.get(token);
            if (child == null) {
                throw new IllegalArgumentException("nothing at " + path);
            }
            return child;
        }

        private static void set(JsonNode parent, String token, JsonNode value, boolean insert, String path) {
            if (value == null) {
                throw new IllegalArgumentException("no value for " + path);
            }
            if (parent instanceof ArrayNode array) {
                if (insert && token.equals("-")) {
                    array.add(value.deepCopy());
                } else if (insert) {
                    array.insert(index(token, path), value.deepCopy());
                } else {
                    array.set(index(token, path), value.deepCopy());
                }
            } else if (parent instanceof ObjectNode object) {
                object.set(token, value.deepCopy());
            } else {
                throw new IllegalArgumentException("not a container at " + path);
            }
        }

        private static int index(String token, String path) {
            try {
                return Integer.parseInt(token);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an array index at " + path, e);
            }
        }
    }
}
