package io.mediamesh.config.validate;

import java.nio.file.Path;

/** Checks one kind's files, as they lie in a folder, with a real tool. Never changes the folder. */
@FunctionalInterface
public interface ConfigValidator {
    /**
     * @param folder holds the kind's files under their names (ConfigKinds.fileNames)
     * @throws io.mediamesh.common.error.MediameshException INTERNAL_ERROR when the tool is missing or
     *         the check could not run (as opposed to the tool rejecting the files: ok = false)
     */
    ValidationResult validate(Path folder);

    /**
     * This check, then {@code next} only if this one passed; the outputs are joined. This is how a
     * semantic check (a throwaway Janus instance on spare loopback ports) follows the syntax check.
     */
    default ConfigValidator andThen(ConfigValidator next) {
        return folder -> {
            ValidationResult first = validate(folder);
            return first.ok() ? first.then(next.validate(folder)) : first;
        };
    }
}
