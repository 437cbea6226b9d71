// What every entry form of the dashboard shares: sending a write once,
// numbers typed in either digit set, and errors shown beside their field,
// whether the page found them before sending or the service after.
import { ApiError, errorText } from './api.js';
import { t } from './i18n.js';

// A fresh request id (AIP-155) for one write. crypto.randomUUID needs a
// secure context; getRandomValues does not, and the page may be served
// over plain HTTP inside an office network.
export function newRequestId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Sends a write form once: its button is disabled while the call is in
// flight (a second click does nothing), and a retry after a failure sends
// the same request id, so that a write whose answer was lost is not
// recorded twice. Editing the form makes the next send a new request.
// `send(requestId)` makes the call and resolves to true when it succeeded.
export async function sendOnce(form, send) {
  const button = form.querySelector('button[type=submit]');
  if (button.disabled) return false;
  form.dataset.requestId ||= newRequestId();
  button.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    const sent = await send(form.dataset.requestId);
    if (sent) delete form.dataset.requestId;
    return sent;
  } finally {
    button.disabled = false;
    form.removeAttribute('aria-busy');
  }
}

// Arabic-Indic (٠-٩) and Eastern Arabic-Indic (۰-۹) digits, and the Arabic
// decimal and thousands separators, read as the ASCII ones.
export function westernDigits(text) {
  return text
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/\u066b/g, '.')
    .replace(/[\u066c,]/g, '');
}

// A number box's value as a number, or the text as typed when it is not
// one, so that the service, not the page, judges it and names the field;
// an empty box is left out.
export function numberOrText(text) {
  const plain = westernDigits(text).trim();
  if (plain === '') return undefined;
  const n = Number(plain);
  return Number.isFinite(n) ? n : text;
}

// The field path of a form control: its data-field, else its name.
function fieldOf(control) { return control.dataset.field || control.name; }

export function clearFieldErrors(form) {
  for (const note of form.querySelectorAll('.field-error')) note.remove();
  for (const control of form.querySelectorAll('[aria-invalid]')) {
    control.removeAttribute('aria-invalid');
    control.removeAttribute('aria-describedby');
  }
}

// Marks the control of each [field, text] (a path such as
// "manifest[1].quantity" or "planned_date.day": the closest control wins)
// and writes the text under it. Returns how many were placed.
export function showFieldErrors(form, errors) {
  let placed = 0;
  for (const [field, text] of errors) {
    let path = field;
    let control = null;
    while (path && !control) {
      control = [...form.elements].find((c) => fieldOf(c) === path && !c.closest('[hidden]'));
      path = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
    }
    if (!control || control.getAttribute('aria-invalid')) continue;
    const note = document.createElement('span');
    note.className = 'field-error';
    note.id = `${form.id}-error-${placed}`;
    note.textContent = text;
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', note.id);
    control.after(note);
    placed += 1;
  }
  return placed;
}

// What the page checks before sending: each control marked data-required
// that is empty, and each pair of dates (data-not-before="other name")
// in the wrong order. Returns [field, message] pairs in the user's language.
export function checkForm(form) {
  const errors = [];
  for (const control of form.elements) {
    if (control.closest('[hidden]')) continue;
    // data-required-for="deny outcome": required for those steps only.
    const requiredNow = control.dataset.required !== undefined
      || control.dataset.requiredFor?.split(' ').includes(form.elements.action?.value);
    if (requiredNow && control.value.trim() === '') {
      errors.push([fieldOf(control), t('required')]);
    }
    if (control.inputMode === 'numeric' || control.inputMode === 'decimal') {
      const value = numberOrText(control.value);
      const max = Number(control.dataset.max || Number.MAX_SAFE_INTEGER);
      if (value !== undefined && (typeof value !== 'number' || value < 0)) {
        errors.push([fieldOf(control), t('not_a_number')]);
      } else if (control.inputMode === 'numeric' && value !== undefined
        && (!Number.isInteger(value) || value > max)) {
        // A count of people: whole, and no larger than the service accepts.
        errors.push([fieldOf(control), t('whole_number', max.toLocaleString('en-GB'))]);
      }
    }
    const earlier = control.dataset.notBefore && form.elements[control.dataset.notBefore];
    if (earlier && earlier.value && control.value && control.value < earlier.value) {
      errors.push([fieldOf(control), t('date_before', earlier.labels[0]?.textContent.trim() ?? '')]);
    }
  }
  return errors;
}

// A view's filters live in the page's address, so that the view can be
// shared and survives a reload: "?denials-form.party=...".
export function keepInUrl(form) {
  const params = new URLSearchParams(location.search);
  for (const control of form.elements) {
    if (!control.name) continue;
    const key = `${form.id}.${control.name}`;
    const value = control.type === 'checkbox' ? (control.checked ? control.value : '') : control.value;
    if (value) params.set(key, value); else params.delete(key);
  }
  history.replaceState(null, '', `${location.pathname}?${params}${location.hash}`);
}

// Sets the controls the address names; true if it named any.
export function restoreFromUrl(form) {
  const params = new URLSearchParams(location.search);
  let restored = false;
  for (const control of form.elements) {
    const key = `${form.id}.${control.name}`;
    if (control.name && params.has(key)) {
      if (control.type === 'checkbox') control.checked = params.get(key) === control.value;
      else control.value = params.get(key);
      restored = true;
    }
  }
  return restored;
}

// Shows `text` in a message box (hidden when empty); `ok` for a success.
export function showMessage(box, text, ok = false) {
  box.hidden = !text;
  box.textContent = text || '';
  box.classList.toggle('ok', ok);
}

// "2016-09-03" (a date input's value) → a Date message; undefined if empty.
export function dateOf(text) {
  if (!text) return undefined;
  const [year, month, day] = text.split('-').map(Number);
  return { year, month, day };
}

// Checks `form`, then sends it once (forms.js): `send(requestId)` makes
// the call and returns the message to show. Errors, the page's own or the
// service's field violations, are shown beside their fields; the box says
// what happened.
export async function enter(form, box, send) {
  clearFieldErrors(form);
  const problems = checkForm(form);
  if (problems.length) {
    showFieldErrors(form, problems);
    showMessage(box, t('check_fields'));
    return;
  }
  await sendOnce(form, async (requestId) => {
    try {
      showMessage(box, await send(requestId), true);
      return true;
    } catch (error) {
      showMessage(box, errorText(error));
      if (error instanceof ApiError && error.fieldViolations.length) {
        // The service's own words, in Arabic led by a sentence of the page's.
        showFieldErrors(form, error.fieldViolations.map((v) => [v.field, t('service_note', v.description)]));
      }
      return false;
    }
  });
}
