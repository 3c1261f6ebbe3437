package io.mediamesh.config.apply;

import io.mediamesh.api.v1.StartApply;

/** Resolves a StartApply into a plan: the targeted servers of each stage and their rendered files. */
public interface ApplyPlanner {
    /**
     * @throws io.mediamesh.common.error.MediameshException INVALID_CONFIG_TARGET, REVISION_NOT_FOUND,
     *         CONFIG_RENDER_FAILED, INVALID_REQUEST
     */
    ApplyPlan plan(StartApply start, String author);
}
