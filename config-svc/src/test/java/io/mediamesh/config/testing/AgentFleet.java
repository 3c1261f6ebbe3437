package io.mediamesh.config.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real config agents for one test class ({@link AgentProcess#startAll}), each in a folder of its own under
 * a temporary one: started before the class's own set-up, stopped and removed after it.
 */
public final class AgentFleet implements BeforeAllCallback, AfterAllCallback {
    private final List<String> serverNames;
    private final Map<String, String> settings;
    private final List<AgentProcess> agents = new ArrayList<>();
    private Path root;

    /** {@code settings}: the agents' configuration paths and values, as for {@link AgentProcess#startAll}. */
    public AgentFleet(List<String> serverNames, Map<String, String> settings) {
        this.serverNames = List.copyOf(serverNames);
        this.settings = Map.copyOf(settings);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        root = Files.createTempDirectory("mediamesh-agents-");
        agents.addAll(AgentProcess.startAll(serverNames, root, settings));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (AgentProcess agent : agents) {
            agent.close();
        }
        if (root != null) {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The agents, in the order of the server names. */
    public List<AgentProcess> all() {
        return List.copyOf(agents);
    }
}
