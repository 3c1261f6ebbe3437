// A line diff by longest common subsequence, and its side-by-side pairing. Config files are a few
// hundred lines, so the plain O(n·m) table is small enough; common head and tail lines are taken
// off first so that a one-line change in a long file costs next to nothing.

/**
 * The edit script turning {@code a} into {@code b} (arrays of lines): entries
 * {type: 'same'|'removed'|'added', a?: line number in a (1-based), b?: line number in b, text}.
 */
export function diffLines(a, b) {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) {
    head += 1;
  }
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) {
    tail += 1;
  }
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  // lcs[i][j]: length of the LCS of x[i..] and y[j..].
  const lcs = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1));
  for (let i = x.length - 1; i >= 0; i -= 1) {
    for (let j = y.length - 1; j >= 0; j -= 1) {
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const script = [];
  for (let k = 0; k < head; k += 1) {
    script.push({ type: 'same', a: k + 1, b: k + 1, text: a[k] });
  }
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      script.push({ type: 'same', a: head + i + 1, b: head + j + 1, text: x[i] });
      i += 1;
      j += 1;
    } else if (i < x.length && (j === y.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
      script.push({ type: 'removed', a: head + i + 1, text: x[i] });
      i += 1;
    } else {
      script.push({ type: 'added', b: head + j + 1, text: y[j] });
      j += 1;
    }
  }
  for (let k = tail; k > 0; k -= 1) {
    script.push({ type: 'same', a: a.length - k + 1, b: b.length - k + 1, text: a[a.length - k] });
  }
  return script;
}

/**
 * Rows of a side-by-side view: a run of removed lines faces the run of added lines that follows it,
 * line by line; each row is {left, right}, either side an entry of the script or null.
 */
export function sideBySide(script) {
  const rows = [];
  let k = 0;
  while (k < script.length) {
    if (script[k].type === 'same') {
      rows.push({ left: script[k], right: script[k] });
      k += 1;
      continue;
    }
    const removed = [];
    const added = [];
    while (k < script.length && script[k].type !== 'same') {
      (script[k].type === 'removed' ? removed : added).push(script[k]);
      k += 1;
    }
    for (let n = 0; n < Math.max(removed.length, added.length); n += 1) {
      rows.push({ left: removed[n] ?? null, right: added[n] ?? null });
    }
  }
  return rows;
}
