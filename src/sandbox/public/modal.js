// Modals (views) and confirm dialogs: role="dialog", labelled inputs, validation errors, Submit.
'use strict';

(function () {
  const Sandbox = window.Sandbox;
  const el = Sandbox.el;
  let seq = 0;
  const uid = (prefix) => `${prefix}-${++seq}`;

  /** A Slack confirm object as a dialog; resolves true on confirm, false on deny or Escape. */
  Sandbox.confirmDialog = function confirmDialog(confirm, ctx) {
    return new Promise((resolve) => {
      const titleId = uid('confirm-title');
      const done = (answer) => {
        overlay.remove();
        resolve(answer);
      };
      const ok = el('button', { type: 'button', class: `btn ${confirm.style === 'danger' ? 'danger' : 'primary'}`, onclick: () => done(true) }, Sandbox.plain(confirm.confirm ? confirm.confirm.text : 'Yes'));
      const overlay = el('div', { class: 'overlay' },
        el('div', { class: 'dialog confirm', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId },
          el('h2', { id: titleId }, Sandbox.plain(confirm.title ? confirm.title.text : 'Are you sure?')),
          Sandbox.text(confirm.text, ctx),
          el('div', { class: 'dialog-buttons' },
            el('button', { type: 'button', class: 'btn', onclick: () => done(false) }, Sandbox.plain(confirm.deny ? confirm.deny.text : 'Cancel')),
            ok)));
      overlay.addEventListener('keydown', (event) => event.key === 'Escape' && done(false));
      document.body.append(overlay);
      ok.focus();
    });
  };

  function optionsOf(element) {
    return (element.options || []).map((o) => ({ value: o.value, text: Sandbox.plain(o.text && o.text.text), description: o.description && Sandbox.plain(o.description.text) }));
  }

  /** One input block: the control, its label, hint and error. Returns { node, read() }. */
  function input(block, view, ctx) {
    const element = block.element || {};
    const id = uid('input');
    const errorId = `${id}-error`;
    const hintId = `${id}-hint`;
    const error = view.errors && view.errors[block.block_id];
    // What the person typed before a failed submit survives the re-render with the errors.
    const prior = ctx.priorValues ? ctx.priorValues[block.block_id] : undefined;
    const described = [block.hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
    const label = Sandbox.plain(block.label && block.label.text) + (block.optional ? ' (optional)' : '');
    const common = { id, 'aria-describedby': described, 'aria-invalid': error ? 'true' : undefined, name: block.block_id };
    let control;
    let read;
    let labelled = true;
    switch (element.type) {
      case 'static_select':
      case 'users_select': {
        const options = element.type === 'users_select'
          ? ctx.users.filter((u) => !u.isBot).map((u) => ({ value: u.id, text: `${u.realName} (${u.title})` }))
          : optionsOf(element);
        const initial = prior !== undefined ? prior : element.type === 'users_select' ? element.initial_user : element.initial_option && element.initial_option.value;
        control = el('select', common, el('option', { value: '' }, 'Choose an option'),
          ...options.map((o) => el('option', { value: o.value, selected: o.value === initial, title: o.description }, o.text)));
        read = () => control.value || null;
        break;
      }
      case 'radio_buttons':
      case 'checkboxes': {
        labelled = false;
        const type = element.type === 'radio_buttons' ? 'radio' : 'checkbox';
        const initial = new Set(prior !== undefined ? [].concat(prior) : type === 'radio' ? [element.initial_option && element.initial_option.value] : (element.initial_options || []).map((o) => o.value));
        control = el('fieldset', { class: 'choices', 'aria-describedby': described, 'aria-invalid': error ? 'true' : undefined },
          el('legend', {}, label),
          ...optionsOf(element).map((o) => {
            const optionId = uid('choice');
            return el('div', { class: 'check' },
              el('input', { type, id: optionId, name: `${id}-choice`, value: o.value, checked: initial.has(o.value) }),
              el('label', { for: optionId }, o.text, o.description ? el('small', {}, ` — ${o.description}`) : null));
          }));
        read = () => {
          const picked = [...control.querySelectorAll('input:checked')].map((b) => b.value);
          return type === 'radio' ? picked[0] || null : picked;
        };
        break;
      }
      default: {
        const attrs = { ...common, placeholder: element.placeholder ? Sandbox.plain(element.placeholder.text) : undefined };
        if (element.type === 'number_input') attrs.type = 'number';
        control = element.multiline ? el('textarea', { ...attrs, rows: 3 }) : el('input', { type: 'text', ...attrs });
        control.value = prior !== undefined && prior !== null ? prior : element.initial_value || '';
        read = () => control.value;
      }
    }
    const node = el('div', { class: `input-block${error ? ' has-error' : ''}`, 'data-block-id': block.block_id },
      labelled ? el('label', { for: id }, label) : null,
      control,
      block.hint ? el('div', { class: 'hint', id: hintId }, Sandbox.plain(block.hint.text)) : null,
      error ? el('div', { class: 'error', id: errorId, role: 'alert' }, error) : null);
    return { node, read, blockId: block.block_id };
  }

  /** The top view of a person's stack as a dialog; `ctx.submitView(view, values)` and `ctx.closeView(view)`. */
  Sandbox.renderModal = function renderModal(view, ctx) {
    const spec = view.view;
    const titleId = uid('modal-title');
    const inputs = [];
    const body = el('div', { class: 'modal-body' });
    for (const block of spec.blocks || []) {
      if (block.type === 'input') {
        const built = input(block, view, ctx);
        inputs.push(built);
        body.append(built.node);
      } else {
        const rendered = Sandbox.block(block, { ...ctx, act: () => undefined });
        if (rendered) body.append(rendered);
      }
    }
    if (view.errors && view.errors._) body.append(el('div', { class: 'error', role: 'alert' }, view.errors._));
    const form = el('form', { class: 'dialog modal', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId, novalidate: true },
      el('header', {}, el('h2', { id: titleId }, Sandbox.plain(spec.title && spec.title.text))),
      body,
      el('div', { class: 'dialog-buttons' },
        el('button', { type: 'button', class: 'btn', onclick: () => ctx.closeView(view) }, Sandbox.plain(spec.close ? spec.close.text : 'Cancel')),
        spec.submit ? el('button', { type: 'submit', class: 'btn primary', title: Sandbox.plain(spec.submit.text) }, 'Submit') : null));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const values = {};
      for (const i of inputs) values[i.blockId] = i.read();
      form.querySelectorAll('button').forEach((b) => (b.disabled = true));
      ctx.submitView(view, values);
    });
    form.addEventListener('keydown', (event) => event.key === 'Escape' && ctx.closeView(view));
    return el('div', { class: 'overlay' }, form);
  };
})();
