package io.mediamesh.config.render;

import io.mediamesh.api.v1.ConfigFile;
import io.mediamesh.api.v1.PortRange;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Writes one Janus .jcfg file (libconfig syntax): sections of settings, strings quoted and escaped. */
final class Jcfg {
    private final StringBuilder out = new StringBuilder();
    private final RenderScope scope;

    Jcfg(RenderScope scope, String header) {
        this.scope = scope;
        out.append("# ").append(header).append('\n');
    }

    Jcfg open(String section) {
        out.append('\n').append(section).append(": {\n");
        return this;
    }

    Jcfg close() {
        out.append("}\n");
        return this;
    }

    /** A string setting; {@code field} names the document field for errors. */
    Jcfg string(String key, String value, String field) {
        out.append('\t').append(key).append(" = ").append(quote(scope.text(field, value))).append('\n');
        return this;
    }

    /** A string setting left out when empty. */
    Jcfg stringIfSet(String key, String value, String field) {
        return value.isEmpty() ? this : string(key, value, field);
    }

    Jcfg number(String key, long value) {
        out.append('\t').append(key).append(" = ").append(value).append('\n');
        return this;
    }

    Jcfg bool(String key, boolean value) {
        out.append('\t').append(key).append(" = ").append(value).append('\n');
        return this;
    }

    /** "min-max", left out when the range is unset. */
    Jcfg rangeIfSet(String key, PortRange range, String field) {
        return Effective.isSet(scope.range(field, range))
               ? string(key, range.getMin() + "-" + range.getMax(), field) : this;
    }

    Jcfg strings(String key, List<String> values, String field) {
        out.append('\t').append(key).append(" = [");
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? " " : ", ").append(quote(scope.text(field + '[' + i + ']', values.get(i))));
        }
        out.append(" ]\n");
        return this;
    }

    /** Free-form lines inside the open section, whose settings must be among {@code allowed}. */
    Jcfg lines(List<String> lines, String field, Set<String> allowed) {
        return append(lines, field, JanusAllowlist.checkSection(scope.lines(field, lines), allowed), true);
    }

    /** Free-form lines at the top level (after the last section): groups of JanusAllowlist.TOP_LEVEL. */
    Jcfg topLevelLines(List<String> lines, String field) {
        return append(lines, field, JanusAllowlist.checkTopLevel(scope.lines(field, lines)), false);
    }

    private Jcfg append(List<String> lines, String field, Optional<Refusal> refused, boolean indent) {
        if (refused.isPresent()) {
            throw refused.get().toFailure(scope, field);
        }
        if (!lines.isEmpty()) {
            out.append(indent ? "\t# extra_lines\n" : "\n# extra_lines\n");
            lines.forEach(line -> out.append(indent ? "\t" : "").append(line).append('\n'));
        }
        return this;
    }

    ConfigFile file(String name) {
        return RenderedConfig.file(name, out.toString());
    }

    private static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
