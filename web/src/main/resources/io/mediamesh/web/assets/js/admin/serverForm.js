// The add / edit form of a media server. The API's validation message goes next to the field it
// names; the per-server overrides (ports and folders) travel as their JSON, kept whole on edit since
// an update replaces every field.
import { h } from '../dom.js';
import { clearErrors, field, showFormError } from '../components/form.js';
import { ROLES } from './consoleApi.js';

const TEXT_FIELDS = [
  ['name', 'Name', '1 to 64 letters, digits, ".", "_" or "-"; unique.'],
  ['public_address', 'Public address', 'IP or host name clients use, without a port.'],
  ['internal_address', 'Internal address', 'IP or host name the other servers and the control plane use.'],
  ['relay_group', 'Relay group', 'Required for relays and edges, empty for the origin.'],
  ['agent_endpoint', 'Agent endpoint', 'host:port of the server\'s config agent.'],
];

/** The overrides' JSON; a typing mistake is told at the field as the API would. */
function overridesOf(text) {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw Object.assign(new Error(`overrides is not valid JSON: ${cause.message}`), { code: 'MALFORMED_BODY', status: 400 });
  }
}

/** Which field an API refusal is about, from its code or the field it names. */
function fieldOf(error) {
  // The more specific names first: "name" also appears inside the others.
  const names = ['relay_group', 'public_address', 'internal_address', 'agent_endpoint', 'overrides', 'role', 'name'];
  const named = names.find((name) => new RegExp(`(^|[^a-z_])${name}([^a-z_]|$)`).test(error.message));
  return named ?? { SERVER_ALREADY_EXISTS: 'name', INVALID_ADDRESS: 'public_address', MALFORMED_BODY: 'overrides' }[error.code];
}

/**
 * @param {object|null} server the server to edit, or null to add one
 * @param {(body: object) => Promise<void>} save creates or updates; rejects with the API's error
 * @param {() => void} close called on cancel
 */
export function serverForm(server, save, close) {
  const title = server ? `Edit ${server.name}` : 'Add a media server';
  const help = (name, text) => h('p', { class: 'help', id: `f-${name}-help` }, text);
  const textField = ([name, label, text]) => {
    const element = field({ name, label, autocomplete: 'off', spellcheck: 'false', value: server?.[name] ?? '' });
    const control = element.querySelector('input');
    control.setAttribute('aria-describedby', `f-${name}-help f-${name}-error`);
    element.insertBefore(help(name, text), control);
    return element;
  };
  const role = h('select', { id: 'f-role', name: 'role', 'aria-describedby': 'f-role-error' },
    ROLES.map((value) => h('option', { value, selected: (server?.role ?? 'edge') === value }, value)));
  const overrides = field({ name: 'overrides', label: 'Per-server overrides (JSON)', multiline: true, rows: 4,
                            spellcheck: 'false' });
  const overridesControl = overrides.querySelector('textarea');
  overridesControl.value = JSON.stringify(server?.overrides ?? {}, null, 1);
  overridesControl.setAttribute('aria-describedby', 'f-overrides-help f-overrides-error');
  overrides.insertBefore(help('overrides', 'Ports and folders of this server that replace its role\'s ' +
    '(janus_http_port, nginx_listen_port, coturn_listening_port, janus_rec_dir, port ranges {min, max}…); ' +
    '0 or empty keeps the role\'s value.'), overridesControl);

  const form = h('form', { class: 'card form server-form', novalidate: true, 'aria-labelledby': 'server-form-title' },
    h('h2', { id: 'server-form-title' }, title),
    textField(TEXT_FIELDS[0]),
    h('div', { class: 'field' }, h('label', { for: 'f-role' }, 'Role'), role, h('p', { class: 'field-error', id: 'f-role-error' })),
    TEXT_FIELDS.slice(1).map(textField),
    h('div', { class: 'check' }, h('input', { type: 'checkbox', id: 'f-enabled', name: 'enabled',
                                               checked: server ? server.enabled : true }),
      h('label', { for: 'f-enabled' }, 'Enabled (takes part in applies and gets rooms and streams)')),
    h('details', { class: 'overrides', open: server && Object.values(server.overrides ?? {}).some(Boolean) },
      h('summary', {}, 'Overrides'), overrides),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit' }, server ? 'Save server' : 'Add server'),
      h('button', { type: 'button', class: 'secondary', onclick: close }, 'Cancel')));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const data = new FormData(form);
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      await save({
        name: String(data.get('name')).trim(),
        role: String(data.get('role')),
        public_address: String(data.get('public_address')).trim(),
        internal_address: String(data.get('internal_address')).trim(),
        relay_group: String(data.get('relay_group')).trim(),
        agent_endpoint: String(data.get('agent_endpoint')).trim(),
        enabled: data.get('enabled') === 'on',
        overrides: overridesOf(String(data.get('overrides') || '{}')),
      });
    } catch (error) {
      showFormError(form, error, { [error.code]: fieldOf(error) });
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
