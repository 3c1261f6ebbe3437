package io.mediamesh.config.render;

import java.util.Optional;

/**
 * Why a free-form line of a document is refused: the line's index in its list, the directive (or
 * setting, or option) it names, and why that one may not be used there.
 */
record Refusal(int line, String directive, String reason) {
    static Optional<Refusal> of(int line, String directive, String reason) {
        return Optional.of(new Refusal(line, directive, reason));
    }

    /** CONFIG_RENDER_FAILED naming the field's line and the directive. */
    RuntimeException toFailure(RenderScope scope, String field) {
        return scope.fail(field + '[' + line + ']', "uses \"" + directive + "\": " + reason);
    }
}
