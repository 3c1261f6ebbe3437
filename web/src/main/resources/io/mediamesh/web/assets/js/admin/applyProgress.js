// An apply's progress: a table per stage (ORIGIN, RELAY, EDGE) with a row per server, its current
// step, each step with the time it took, and the tool's output when it failed; then the summary.
// It is fed the socket's messages as they come, or a recorded apply and its events (after a reload),
// and draws the same either way.
import { h, replace } from '../dom.js';

const FAILING = new Set(['failed', 'rollback_failed']);
const LABEL = {
  rendered: 'rendered', pushed: 'pushed', validated: 'validated', activated: 'activated', failed: 'failed',
  rolled_back: 'rolled back', skipped: 'already active', rollback_failed: 'rollback failed',
};

/** How long between two RFC 3339 times, for people. */
function took(from, to) {
  const ms = Date.parse(to) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 0) {
    return '';
  }
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export class ApplyProgress {
  constructor() {
    this.element = h('div', { class: 'apply-progress' });
    this.stagesBox = h('div', { class: 'apply-stages' });
    this.summaryBox = h('section', { class: 'apply-summary', 'aria-labelledby': 'apply-summary-title', hidden: true });
    this.element.append(this.stagesBox, this.summaryBox);
    this.rows = new Map();
    this.seen = new Set();
    this.applyId = null;
    this.summary = null;
    this.awaiting = null;
    this.promotion = 'automatic';
  }

  /** The `started` message, or a record's head: the stages and their servers. */
  start({ apply_id: applyId, stages, promotion, kind }) {
    this.applyId = applyId;
    this.promotion = promotion;
    this.stages = stages;
    this.rows.clear();
    this.seen.clear();
    replace(this.stagesBox, h('h2', {}, `Apply ${applyId} (${kind})`),
      stages.map((stage) => this.stageTable(stage)));
  }

  stageTable(stage) {
    const title = `apply-stage-${stage.role}`;
    const rows = stage.servers.map((server) => {
      const current = h('td', { class: 'current' }, 'waiting');
      const steps = h('ol', { class: 'steps' });
      const output = h('td', { class: 'output' });
      const row = h('tr', { 'data-server': server.server_name, 'data-step': 'waiting' },
        h('th', { scope: 'row' }, server.server_name), current, h('td', {}, steps), output);
      this.rows.set(server.server_id, { row, current, steps, output, lastAt: null });
      return row;
    });
    return h('section', { class: 'apply-stage', 'data-role': stage.role, 'aria-labelledby': title },
      h('h3', { id: title }, `${stage.role.toUpperCase()}`, h('span', { class: 'meta' }, ` revision ${stage.revision}`)),
      h('div', { class: 'table-scroll' }, h('table', {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'col-server' }, 'Server'),
          h('th', { scope: 'col', class: 'col-now' }, 'Now'), h('th', { scope: 'col' }, 'Steps'),
          h('th', { scope: 'col', class: 'col-output' }, 'Output'))),
        h('tbody', {}, rows))));
  }

  /** One `event` (once: a record re-read while polling repeats the earlier ones). */
  event(event) {
    if (this.seen.has(event.sequence)) {
      return;
    }
    this.seen.add(event.sequence);
    const target = this.rows.get(event.server_id);
    if (!target) {
      return;
    }
    // A step took from the server's previous step to this one; the first (rendering) was done when
    // the apply was planned, before the server's turn, and has no time of its own.
    const since = target.lastAt;
    target.lastAt = event.at;
    const label = LABEL[event.step] ?? event.step;
    target.row.dataset.step = event.step;
    target.row.classList.toggle('failing', FAILING.has(event.step));
    replace(target.current, label);
    target.steps.append(h('li', { 'data-step': event.step }, label, ' ',
      h('span', { class: 'took' }, since ? took(since, event.at) : '')));
    if (FAILING.has(event.step)) {
      replace(target.output, event.error_code ? h('strong', { class: 'code' }, event.error_code) : '', ' ',
        event.message, event.tool_output ? h('pre', { class: 'tool-output' }, event.tool_output) : '');
    }
  }

  /** A stage finished under manual promotion; null once the next one runs. */
  awaitPromotion(awaiting) {
    this.awaiting = awaiting;
  }

  /**
   * After a reload there is no `awaiting_promotion` message to go by: under manual promotion a
   * running apply waits when every server of some stage is done and the next stage has not begun.
   */
  inferAwaiting() {
    if (this.promotion !== 'manual' || this.summary) {
      return null;
    }
    for (let i = 0; i + 1 < this.stages.length; i++) {
      const done = this.stages[i].servers.every((server) =>
        ['activated', 'skipped'].includes(this.rows.get(server.server_id)?.row.dataset.step));
      const nextIdle = this.stages[i + 1].servers.every((server) =>
        this.rows.get(server.server_id)?.row.dataset.step === 'waiting');
      if (done && nextIdle) {
        return { completed_role: this.stages[i].role, next_role: this.stages[i + 1].role };
      }
    }
    return null;
  }

  /** The `summary`: outcome, counts and where each server ended. */
  finish(summary) {
    this.summary = summary;
    this.awaiting = null;
    const counts = [['activated', summary.activated], ['already active', summary.already_active],
      ['failed', summary.failed], ['rolled back', summary.rolled_back], ['rollback failed', summary.rollback_failed],
      ['not attempted', summary.not_attempted]].filter(([, count]) => count > 0);
    replace(this.summaryBox,
      h('h2', { id: 'apply-summary-title' }, 'Summary'),
      h('p', { class: `outcome outcome-${summary.outcome}` }, h('strong', {}, summary.outcome.replace(/_/g, ' ')),
        summary.message ? ` — ${summary.message}` : '',
        ` (${summary.servers_total} server${summary.servers_total === 1 ? '' : 's'}: `,
        counts.map(([name, count]) => `${count} ${name}`).join(', '), ')'),
      h('div', { class: 'table-scroll' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Server', 'Role', 'Result', 'Version before', 'Version now', 'Why']
          .map((name) => h('th', { scope: 'col' }, name)))),
        h('tbody', {}, summary.results.map((result) => h('tr', { 'data-server': result.server_name },
          h('th', { scope: 'row' }, result.server_name), h('td', {}, result.role),
          h('td', { class: 'status' }, result.status.replace(/_/g, ' ')),
          h('td', { class: 'version' }, result.previous_version || '—'),
          h('td', { class: 'version now' }, result.status === 'activated' || result.status === 'already_active'
            ? result.version : result.previous_version || '—'),
          h('td', {}, result.error_code ? h('strong', { class: 'code' }, result.error_code) : '', ' ',
            result.message ?? '')))))));
    this.summaryBox.hidden = false;
  }
}
