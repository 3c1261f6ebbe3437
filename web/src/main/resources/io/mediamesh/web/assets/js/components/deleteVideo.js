// The owner's delete button of a video: asks first, then deletes through the API; a failure is
// shown in {@code errorPlace()}.
import { api } from '../api.js';
import { h } from '../dom.js';
import { showError } from './errors.js';

export function deleteVideoButton(video, { label, text, onDeleted, errorPlace }) {
  const button = h('button', { type: 'button', class: 'danger', 'aria-label': label }, text);
  button.addEventListener('click', async () => {
    if (!confirm(`Delete "${video.name}"? This cannot be undone.`)) {
      return;
    }
    button.disabled = true;
    try {
      await api.deleteVideo(video.id);
      onDeleted();
    } catch (error) {
      button.disabled = false;
      showError(errorPlace(), error);
    }
  });
  return button;
}
