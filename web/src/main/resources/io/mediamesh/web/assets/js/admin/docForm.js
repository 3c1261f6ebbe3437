// A form generated from a config document's JSON (the proto's fields, every one present): text,
// number and check boxes by the value's type, a fieldset per nested message, a line per entry for
// lists of strings (the free-form extra_lines among them), and add/remove for lists of messages.
// Each field is labelled with its name and described by its meaning, default and limits.
import { h } from '../dom.js';
import { FIELD_HELP, LIST_ITEMS } from './fieldHelp.js';
import { humanize } from './ui.js';

/** @returns {{element: Element, read: () => object}} */
export function documentForm(kind, document) {
  const built = object(kind, [], document);
  return { element: built.element, read: built.read };
}

function helpKey(kind, path) {
  return [kind, ...path.filter((part) => typeof part === 'string')].join('.');
}

function idOf(path) {
  return 'doc-' + path.join('-');
}

function described(kind, path, id) {
  const text = FIELD_HELP[helpKey(kind, path)];
  return text ? h('p', { class: 'help', id: `${id}-help` }, text) : null;
}

function value(kind, path, current) {
  if (Array.isArray(current)) {
    const key = helpKey(kind, path);
    return LIST_ITEMS[key] ? objectList(kind, path, current, LIST_ITEMS[key]) : lines(kind, path, current);
  }
  if (current !== null && typeof current === 'object') {
    return object(kind, path, current);
  }
  return scalar(kind, path, current);
}

function object(kind, path, current) {
  const children = Object.entries(current).map(([key, child]) => [key, value(kind, [...path, key], child)]);
  const content = children.map(([, child]) => child.element);
  const element = path.length === 0 ? h('div', { class: 'doc-fields' }, content)
    : h('fieldset', { class: 'doc-group' }, h('legend', {}, legendOf(path)),
      // An entry of a list is described once, at the list.
      typeof path[path.length - 1] === 'string' ? described(kind, path, idOf(path)) : null, content);
  return {
    element,
    read: () => Object.fromEntries(children.map(([key, child]) => [key, child.read()])),
  };
}

function legendOf(path) {
  const last = path[path.length - 1];
  return typeof last === 'number' ? `${humanize(String(path[path.length - 2]))} ${last + 1}` : humanize(last);
}

function scalar(kind, path, current) {
  const id = idOf(path);
  const help = described(kind, path, id);
  const describedBy = help ? `${id}-help` : undefined;
  if (typeof current === 'boolean') {
    const input = h('input', { type: 'checkbox', id, checked: current, 'aria-describedby': describedBy });
    return {
      element: h('div', { class: 'check doc-field' }, input, h('label', { for: id }, legendOf(path)), help),
      read: () => input.checked,
    };
  }
  const numeric = typeof current === 'number';
  const secret = !numeric && SECRET_FIELD.test(String(path[path.length - 1]));
  const input = h('input', numeric
    ? { type: 'number', id, step: 1, min: 0, value: current, inputmode: 'numeric', 'aria-describedby': describedBy }
    : { type: secret ? 'password' : 'text', id, value: current, spellcheck: 'false',
        autocomplete: secret ? 'new-password' : 'off', 'aria-describedby': describedBy });
  return {
    element: h('div', { class: 'field doc-field' }, h('label', { for: id }, legendOf(path)), help,
      secret ? h('div', { class: 'secret-input' }, input, revealButton(input, legendOf(path))) : input),
    read: () => (numeric ? Number.parseInt(input.value || '0', 10) || 0 : input.value),
  };
}

/** Secrets (Janus admin keys, coturn's and nginx's shared secrets) stay hidden on a shared screen until asked. */
const SECRET_FIELD = /(secret|admin_key|pwd|password)$/;

function revealButton(input, label) {
  const button = h('button', { type: 'button', class: 'small secondary', 'aria-pressed': 'false',
                               'aria-label': `Show ${label.toLowerCase()}` }, 'Show');
  button.addEventListener('click', () => {
    const shown = input.type === 'password';
    input.type = shown ? 'text' : 'password';
    button.textContent = shown ? 'Hide' : 'Show';
    button.setAttribute('aria-pressed', String(shown));
  });
  return button;
}

/** A list of strings as a textarea, one entry a line; blank lines are dropped. */
function lines(kind, path, current) {
  const id = idOf(path);
  const help = described(kind, path, id);
  const area = h('textarea', { id, rows: Math.max(2, Math.min(10, current.length + 1)), spellcheck: 'false',
                               'aria-describedby': help ? `${id}-help` : undefined });
  area.value = current.join('\n');
  return {
    element: h('div', { class: 'field doc-field wide' }, h('label', { for: id }, legendOf(path), ' (one per line)'),
      help, area),
    read: () => area.value.split('\n').map((line) => line.trimEnd()).filter((line) => line.trim() !== ''),
  };
}

/** A list of messages (nginx listen and upstream blocks): a fieldset each, with add and remove. */
function objectList(kind, path, current, template) {
  const items = [];
  const list = h('div', { class: 'doc-list' });
  const id = idOf(path);
  let serial = 0;
  const addItem = (itemValue) => {
    const itemPath = [...path, serial];
    serial += 1;
    const built = object(kind, itemPath, itemValue);
    const entry = { built };
    const remove = h('button', { type: 'button', class: 'small danger' }, `Remove ${legendOf(itemPath).toLowerCase()}`);
    remove.addEventListener('click', () => {
      items.splice(items.indexOf(entry), 1);
      built.element.remove();
      addButton.focus();
    });
    built.element.append(remove);
    items.push(entry);
    list.append(built.element);
    return built;
  };
  const addButton = h('button', { type: 'button', class: 'small secondary' }, `Add ${humanize(String(path[path.length - 1])).toLowerCase()}`);
  addButton.addEventListener('click', () => addItem(template()).element.querySelector('input')?.focus());
  current.forEach(addItem);
  return {
    element: h('fieldset', { class: 'doc-group', id }, h('legend', {}, legendOf(path)), described(kind, path, id),
      list, addButton),
    read: () => items.map((entry) => entry.built.read()),
  };
}
