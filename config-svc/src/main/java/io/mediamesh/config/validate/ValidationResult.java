package io.mediamesh.config.validate;

/**
 * What a real tool said about a kind's files.
 *
 * @param ok the tool accepted them
 * @param toolOutput what it printed (stdout and stderr, colour codes removed, at most 64 KiB)
 * @param exitCode its exit status (nginx 0/1, janus-cfgconv 0/1, turnserver under timeout 124 = started)
 */
public record ValidationResult(boolean ok, String toolOutput, int exitCode) {
    /** This result, then {@code next}'s: ok only if both are, with both outputs. */
    ValidationResult then(ValidationResult next) {
        String output = toolOutput.isEmpty() ? next.toolOutput()
                        : next.toolOutput().isEmpty() ? toolOutput : toolOutput + '\n' + next.toolOutput();
        return new ValidationResult(ok && next.ok(), ToolProcess.trim(output), ok ? next.exitCode() : exitCode);
    }
}
