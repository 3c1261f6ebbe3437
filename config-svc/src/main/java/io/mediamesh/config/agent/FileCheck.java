package io.mediamesh.config.agent;

import io.mediamesh.api.v1.ConfigKind;
import java.nio.file.Path;

/** Checks a folder of one kind's files with the real tool, without touching anything in force. */
public interface FileCheck {
    /**
     * @param ok       the tool accepted the files
     * @param output   what it printed
     * @param exitCode its exit status
     */
    record Result(boolean ok, String output, int exitCode) {}

    Result check(ConfigKind kind, Path folder);

    /** Whether the kind's tool is installed here. */
    boolean toolAvailable(ConfigKind kind);
}
