// Form fields with a place for the API's validation message next to each one.
import { h, replace } from '../dom.js';
import { errorBox, showError } from './errors.js';

/** A labelled input (or textarea when {@code multiline}) with its message slot under it. */
export function field({ name, label, type = 'text', multiline = false, ...attributes }) {
  const id = `f-${name}`;
  const message = h('p', { class: 'field-error', id: `${id}-error` });
  const control = h(multiline ? 'textarea' : 'input',
    { id, name, type: multiline ? undefined : type, 'aria-describedby': `${id}-error`, ...attributes });
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, message);
}

/** Clears the messages of {@code form}. */
export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((message) => replace(message));
  form.querySelectorAll('[aria-invalid]').forEach((control) => control.removeAttribute('aria-invalid'));
  form.querySelectorAll(':scope > .error').forEach((box) => box.remove());
}

/**
 * Shows {@code error} next to the field its code is about ({@code fields}: code -> field name), or
 * above the form's buttons when it is about no field.
 */
export function showFormError(form, error, fields) {
  const name = fields[error.code];
  const control = name && form.elements.namedItem(name);
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    replace(document.getElementById(`${control.id}-error`), h('strong', { class: 'code' }, error.code), ' ', error.message);
    control.focus();
    return;
  }
  if (error.status === 401 && error.code !== 'INVALID_CREDENTIALS') {
    showError(form, error);
    return;
  }
  form.querySelector(':scope > .form-actions').before(errorBox(error));
}

/** Runs {@code action} on submit with the button disabled, showing its failure in the form. */
export function onSubmit(form, fields, action) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await action(new FormData(form));
    } catch (error) {
      showFormError(form, error, fields);
    } finally {
      button.disabled = false;
    }
  });
}
