package io.mediamesh.config.agent;

import com.google.protobuf.ByteString;
import io.mediamesh.api.v1.ConfigFile;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.files.DurableFiles;
import io.mediamesh.config.ConfigKinds;
import io.mediamesh.config.render.RenderedConfig;
import io.mediamesh.config.validate.ConfigValidators;
import io.mediamesh.config.validate.Secrets;
import io.mediamesh.config.validate.ValidationResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One config kind's files on this media server, under {@code <root>/<kind>/}:
 * <pre>
 *   staged/&lt;version&gt;/            files pushed and not in force (validated ones have a staged/&lt;version&gt;.validated marker)
 *   versions/&lt;version&gt;/          the active and the previous (last good) file sets, never modified
 *   active   -&gt; versions/&lt;A&gt;     what the media server reads: a symlink, replaced by rename(2)
 *   previous -&gt; versions/&lt;P&gt;     the last good files, which a rollback puts back byte for byte
 *   state.properties              active and previous versions (written to a temporary file, then renamed)
 * </pre>
 * Swapping the {@code active} symlink by rename puts a whole file set in force at once, even for
 * janus's several files: a reader sees the old set or the new one, never a mix. Every operation
 * holds this store's lock; they are short except validation, which only reads a staged folder.
 */
final class KindStore {
    /** Versions are config-svc's "r<revision>-<hex>"; no dots or slashes, so they are safe folder names. */
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final int MAX_FILE_BYTES = 1024 * 1024;
    private static final String VALIDATED_SUFFIX = ".validated";

    private final ConfigKind kind;
    private final Path folder;
    private final Path staged;
    private final Path versions;
    private final Path activeLink;
    private final Path previousLink;
    private final Path stateFile;
    private final Optional<ReloadCommand> reload;
    private final int maxStaged;
    private final Clock clock;
    private State state;
    private String problem = "";

    /**
     * @param active   the version in force, empty if none
     * @param previous what a rollback restores ("" = nothing was in force before), when
     *                 {@code canRollBack}
     */
    record State(String active, Instant activatedAt, String previous, boolean canRollBack) {}

    record Staged(String sha256, boolean alreadyActive) {}

    record Activated(String previousVersion, boolean changed, boolean reloaded, String reloadOutput) {}

    record RolledBack(String restoredVersion, boolean rolledBack, String reloadOutput) {}

    record Active(String version, String sha256, Instant activatedAt, String previousVersion, List<String> fileNames) {}

    record Status(String activeVersion, String previousVersion, List<String> stagedVersions, String problem) {}

    KindStore(ConfigKind kind, Path root, Optional<ReloadCommand> reload, int maxStaged, Clock clock) {
        this.kind = kind;
        this.folder = root.resolve(ConfigKinds.name(kind));
        this.staged = folder.resolve("staged");
        this.versions = folder.resolve("versions");
        this.activeLink = folder.resolve("active");
        this.previousLink = folder.resolve("previous");
        this.stateFile = folder.resolve("state.properties");
        this.reload = reload;
        this.maxStaged = maxStaged;
        this.clock = clock;
        try {
            PrivateFiles.createFolder(root);
            PrivateFiles.createFolder(folder);
            PrivateFiles.createFolder(staged);
            PrivateFiles.createFolder(versions);
            PrivateFiles.tighten(folder);
            this.state = loadState();
            deleteTemporaries();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + folder, e);
        }
    }

    ConfigKind kind() {
        return kind;
    }

    /** The folder the media server reads its files from. */
    Path activeFolder() {
        return activeLink;
    }

    synchronized Staged stage(String version, List<ConfigFile> files) {
        checkVersion(version);
        checkFiles(files);
        if (version.equals(state.active())) {
            return new Staged(digestOf(activeLink), true);
        }
        try {
            Path temporary = staged.resolve(".tmp-" + UUID.randomUUID());
            Files.createDirectory(temporary, PrivateFiles.FOLDER);
            for (ConfigFile file : files) {
                DurableFiles.write(temporary.resolve(file.getName()), file.getContent().toByteArray(),
                                   PrivateFiles.FILE);
            }
            DurableFiles.syncFolder(temporary);
            Path target = staged.resolve(version);
            Files.deleteIfExists(validatedMarker(version));
            deleteTree(target);
            DurableFiles.rename(temporary, target);
            DurableFiles.syncFolder(staged);
            pruneStaged();
        } catch (IOException e) {
            throw diskError("stage " + version, e);
        }
        return new Staged(RenderedConfig.digest(files), false);
    }

    /**
     * Runs the kind's real-tool check on a staged version's folder and remembers a success, which activation
     * requires. The lock is held throughout, so the files checked are the files activated.
     */
    synchronized ValidationResult validate(String version, ConfigValidators validators) {
        checkVersion(version);
        Path stagedFolder = staged.resolve(version);
        if (!Files.isDirectory(stagedFolder)) {
            throw notStaged(version);
        }
        ValidationResult result = validators.validate(kind, stagedFolder);
        if (result.ok()) {
            try {
                DurableFiles.write(validatedMarker(version), new byte[0], PrivateFiles.FILE);
            } catch (IOException e) {
                throw diskError("mark " + version + " validated", e);
            }
        }
        return result;
    }

    synchronized Activated activate(String version) {
        checkVersion(version);
        if (version.equals(state.active())) {
            return new Activated(state.previous(), false, false, "");
        }
        Path stagedFolder = staged.resolve(version);
        if (!Files.isDirectory(stagedFolder)) {
            throw notStaged(version);
        }
        if (!Files.exists(validatedMarker(version))) {
            throw new MediameshException(ErrorCode.CONFIG_VALIDATION_FAILED,
                                         "Version " + version + " of " + name() + " was not validated.");
        }
        State before = state;
        try {
            Path release = versions.resolve(version);
            if (Files.exists(release, LinkOption.NOFOLLOW_LINKS)) {
                // Going back to the previous version: its files are kept already and must match.
                if (!digestOf(release).equals(digestOf(stagedFolder))) {
                    throw new MediameshException(ErrorCode.INVALID_REQUEST, "Version " + version + " of " + name() +
                                                 " was in force before with different files.");
                }
                deleteTree(stagedFolder);
            } else {
                DurableFiles.rename(stagedFolder, release);
            }
            Files.deleteIfExists(validatedMarker(version));
            switchTo(new State(version, clock.instant(), before.active(), true));
        } catch (IOException e) {
            throw diskError("activate " + version, e);
        }
        if (reload.isEmpty()) {
            prune();
            return new Activated(before.active(), true, false, "");
        }
        ReloadCommand.Result reloaded = runReload(version);
        if (reloaded.ok()) {
            prune();
            return new Activated(before.active(), true, true, reloaded.output());
        }
        // The server refused its new files: put the old ones back and reload again.
        try {
            switchTo(before);
        } catch (IOException e) {
            throw diskError("restore " + before.active() + " after a failed reload", e);
        }
        ReloadCommand.Result restored = runReload(before.active());
        prune();
        throw new MediameshException(ErrorCode.CONFIG_VALIDATION_FAILED,
                                     "The reload command rejected version " + version + " of " + name() +
                                     "; version " + describe(before.active()) + " is back in force.\n" +
                                     reloaded.output() + "\n" + restored.output());
    }

    synchronized RolledBack rollback(String ifActiveVersion) {
        if (!ifActiveVersion.isEmpty() && !ifActiveVersion.equals(state.active())) {
            return new RolledBack(state.active(), false, "");
        }
        if (!state.canRollBack()) {
            throw new MediameshException(ErrorCode.NOT_FOUND, "No previous version of " + name() + " to roll back to.");
        }
        String restoredVersion = state.previous();
        try {
            switchTo(new State(restoredVersion, clock.instant(), "", false));
            try (Stream<Path> entries = Files.list(staged)) {
                for (Path entry : entries.toList()) {
                    deleteTree(entry);
                }
            }
        } catch (IOException e) {
            throw diskError("roll back to " + describe(restoredVersion), e);
        }
        prune();
        if (reload.isEmpty()) {
            return new RolledBack(restoredVersion, true, "");
        }
        return new RolledBack(restoredVersion, true, runReload(restoredVersion).output());
    }

    synchronized Optional<Active> active() {
        if (state.active().isEmpty()) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(activeLink)) {
            List<String> names = files.map(file -> file.getFileName().toString()).sorted().toList();
            return Optional.of(new Active(state.active(), digestOf(activeLink), state.activatedAt(),
                                          state.canRollBack() ? state.previous() : "", names));
        } catch (IOException e) {
            throw diskError("read the active files", e);
        }
    }

    synchronized Status status() {
        try (Stream<Path> entries = Files.list(staged)) {
            List<String> stagedVersions = entries.filter(Files::isDirectory)
                                                 .map(entry -> entry.getFileName().toString())
                                                 .filter(name -> !name.startsWith("."))
                                                 .sorted().toList();
            return new Status(state.active(), state.canRollBack() ? state.previous() : "", stagedVersions, problem);
        } catch (IOException e) {
            throw diskError("list staged versions", e);
        }
    }

    /** Points {@code active} (and {@code previous}) at {@code next}'s versions, then records it. */
    private void switchTo(State next) throws IOException {
        replaceLink(activeLink, next.active());
        replaceLink(previousLink, next.canRollBack() ? next.previous() : "");
        writeState(next);
        state = next;
    }

    private void replaceLink(Path link, String version) throws IOException {
        if (version.isEmpty()) {
            Files.deleteIfExists(link);
        } else {
            DurableFiles.replaceLink(folder.resolve(".tmp-link-" + UUID.randomUUID()), link,
                                     Path.of("versions", version));
        }
        DurableFiles.syncFolder(folder);
    }

    private ReloadCommand.Result runReload(String version) {
        ReloadCommand.Result result = reload.orElseThrow().run(folder, activeLink, version);
        problem = result.ok() ? "" : "The reload command failed for version " + describe(version) + ".";
        // What a server prints about its files may quote them; the output goes back to config-svc.
        return new ReloadCommand.Result(result.ok(), Secrets.redact(result.output(), Secrets.in(kind, activeLink)));
    }

    /** Drops file sets that are neither active nor previous. */
    private void prune() {
        try (Stream<Path> entries = Files.list(versions)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.equals(state.active()) && !(state.canRollBack() && name.equals(state.previous()))) {
                    deleteTree(entry);
                }
            }
        } catch (IOException e) {
            throw diskError("prune old versions", e);
        }
    }

    private void pruneStaged() throws IOException {
        List<Path> folders;
        try (Stream<Path> entries = Files.list(staged)) {
            folders = new ArrayList<>(entries.filter(entry -> Files.isDirectory(entry) &&
                                                              !entry.getFileName().toString().startsWith("."))
                                             .toList());
        }
        if (folders.size() <= maxStaged) {
            return;
        }
        folders.sort(Comparator.comparing(KindStore::modified));
        for (Path old : folders.subList(0, folders.size() - maxStaged)) {
            deleteTree(old);
            Files.deleteIfExists(validatedMarker(old.getFileName().toString()));
        }
    }

    private State loadState() throws IOException {
        Properties properties = new Properties();
        if (Files.exists(stateFile)) {
            try (InputStream in = Files.newInputStream(stateFile)) {
                properties.load(in);
            }
        }
        State recorded = new State(properties.getProperty("active", ""),
                                   Instant.parse(properties.getProperty("activated-at", Instant.EPOCH.toString())),
                                   properties.getProperty("previous", ""),
                                   Boolean.parseBoolean(properties.getProperty("can-roll-back", "false")));
        String linked = Files.isSymbolicLink(activeLink)
                        ? Files.readSymbolicLink(activeLink).getFileName().toString() : "";
        if (linked.equals(recorded.active())) {
            return recorded;
        }
        // Interrupted between swapping the link and recording it: the link is what is in force.
        State adopted = new State(linked, clock.instant(), recorded.active(), true);
        writeState(adopted);
        return adopted;
    }

    private void writeState(State next) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("active", next.active());
        properties.setProperty("activated-at", next.activatedAt().toString());
        properties.setProperty("previous", next.previous());
        properties.setProperty("can-roll-back", Boolean.toString(next.canRollBack()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        properties.store(out, "config agent state of " + name() + "; written by the agent only");
        DurableFiles.writeThenRename(folder.resolve(".tmp-state-" + UUID.randomUUID()), stateFile, out.toByteArray(),
                                     PrivateFiles.FILE);
    }

    private void deleteTemporaries() throws IOException {
        for (Path parent : List.of(folder, staged, versions)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, ".tmp-*")) {
                for (Path entry : entries) {
                    deleteTree(entry);
                }
            }
        }
    }

    /** The kind's files only (no folders, nothing else), each once, its main file included. */
    private void checkFiles(List<ConfigFile> files) {
        List<String> names = ConfigKinds.fileNames(kind);
        for (ConfigFile file : files) {
            if (!names.contains(file.getName())) {
                throw new MediameshException(ErrorCode.INVALID_REQUEST, "\"" + abbreviate(file.getName()) +
                                                                       "\" is not a file of " + name() + " " + names + '.');
            }
            if (file.getContent().size() > MAX_FILE_BYTES) {
                throw new MediameshException(ErrorCode.INVALID_REQUEST, file.getName() + " is larger than 1 MiB.");
            }
            if (files.stream().filter(other -> other.getName().equals(file.getName())).count() > 1) {
                throw new MediameshException(ErrorCode.INVALID_REQUEST, "File " + file.getName() + " is given twice.");
            }
        }
        if (files.stream().noneMatch(file -> file.getName().equals(names.get(0)))) {
            throw new MediameshException(ErrorCode.MISSING_FIELD,
                                         "The files of " + name() + " must include " + names.get(0) + '.');
        }
    }

    private void checkVersion(String version) {
        if (version.isEmpty()) {
            throw new MediameshException(ErrorCode.MISSING_FIELD, "A version is required.");
        }
        if (!VERSION.matcher(version).matches()) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST,
                                         "A version is 1 to 128 characters of [A-Za-z0-9_-], not \"" +
                                         abbreviate(version) + "\".");
        }
    }

    private Path validatedMarker(String version) {
        return staged.resolve(version + VALIDATED_SUFFIX);
    }

    private MediameshException notStaged(String version) {
        return new MediameshException(ErrorCode.NOT_FOUND, "Version " + version + " of " + name() + " is not staged.");
    }

    private MediameshException diskError(String what, IOException e) {
        return new MediameshException(ErrorCode.INTERNAL_ERROR, "Cannot " + what + " for " + name() + ": " + e, e);
    }

    private String name() {
        return ConfigKinds.name(kind);
    }

    private static String describe(String version) {
        return version.isEmpty() ? "(none)" : version;
    }

    private static String digestOf(Path fileSet) {
        try (Stream<Path> entries = Files.list(fileSet)) {
            List<ConfigFile> files = new ArrayList<>();
            for (Path file : entries.toList()) {
                files.add(ConfigFile.newBuilder().setName(file.getFileName().toString())
                                    .setContent(ByteString.copyFrom(Files.readAllBytes(file))).build());
            }
            return RenderedConfig.digest(files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> entries = Files.list(path)) {
                for (Path entry : entries.toList()) {
                    deleteTree(entry);
                }
            }
        }
        try {
            Files.delete(path);
        } catch (NoSuchFileException e) {
            // Already gone.
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
