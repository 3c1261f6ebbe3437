// A side-by-side diff table of two texts: old on the left, new on the right, changed lines marked
// by colour and by a word for those who do not see colour (screen readers read "removed", "added").
// Long runs of unchanged lines fold to a few lines of context.
import { h } from '../dom.js';
import { diffLines, sideBySide } from './diff.js';

const CONTEXT = 3;

function side(entry, number, mark) {
  if (!entry) {
    return [h('td', { class: 'ln' }), h('td', { class: 'blank' })];
  }
  const changed = entry.type !== 'same';
  return [h('td', { class: 'ln' }, String(number)),
    h('td', { class: changed ? entry.type : undefined },
      changed ? h('span', { class: 'mark' }, mark, h('span', { class: 'visually-hidden' }, ` ${entry.type}: `)) : null,
      entry.text)];
}

/** The table comparing {@code before} with {@code after}, titled {@code caption}. */
export function diffTable(caption, before, after, leftTitle, rightTitle) {
  const rows = sideBySide(diffLines(before.split('\n'), after.split('\n')));
  const changed = rows.map((row) => row.left?.type !== 'same');
  const near = (index) => changed.slice(Math.max(0, index - CONTEXT), index + CONTEXT + 1).some(Boolean);
  const body = h('tbody');
  let folded = 0;
  const flush = () => {
    if (folded) {
      body.append(h('tr', { class: 'fold' }, h('td', { colspan: 4 }, `${folded} unchanged line${folded > 1 ? 's' : ''}`)));
      folded = 0;
    }
  };
  rows.forEach((row, index) => {
    if (!near(index)) {
      folded += 1;
      return;
    }
    flush();
    body.append(h('tr', {}, side(row.left, row.left?.a, '−'), side(row.right, row.right?.b, '+')));
  });
  flush();
  const count = changed.filter(Boolean).length;
  return h('div', { class: 'diff' },
    h('p', { class: 'meta' }, count ? `${count} changed line${count > 1 ? 's' : ''}` : 'No differences.'),
    h('div', { class: 'table-scroll' }, h('table', { class: 'diff-table' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'ln' }, h('span', { class: 'visually-hidden' }, 'Line')),
        h('th', { scope: 'col' }, leftTitle),
        h('th', { scope: 'col', class: 'ln' }, h('span', { class: 'visually-hidden' }, 'Line')),
        h('th', { scope: 'col' }, rightTitle))),
      body)));
}
