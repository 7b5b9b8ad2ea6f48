// Block Kit and mrkdwn rendered as DOM nodes: every piece of text goes through textContent, never innerHTML.
'use strict';

const EMOJI = {
  rotating_light: '🚨', white_check_mark: '✅', heavy_check_mark: '✔️', x: '❌', warning: '⚠️', fire: '🔥', rocket: '🚀', test_tube: '🧪', package: '📦',
  leftwards_arrow_with_hook: '↩️', red_circle: '🔴', large_green_circle: '🟢', large_yellow_circle: '🟡', large_orange_circle: '🟠',
  no_entry_sign: '🚫', no_entry: '⛔', memo: '📝', mag: '🔍', hourglass_flowing_sand: '⏳', hourglass: '⌛', grey_question: '❔',
  bell: '🔔', bar_chart: '📊', arrows_counterclockwise: '🔄', arrow_up: '⬆️', arrow_down: '⬇️', alarm_clock: '⏰', pushpin: '📌',
  eyes: '👀', tada: '🎉', thumbsup: '👍', '+1': '👍', ok_hand: '👌', clipboard: '📋', link: '🔗', information_source: 'ℹ️',
  checkered_flag: '🏁', traffic_light: '🚦', construction: '🚧', gear: '⚙️', stopwatch: '⏱️', busts_in_silhouette: '👥',
  speech_balloon: '💬', loudspeaker: '📢', mega: '📣', sos: '🆘', zap: '⚡', boom: '💥', wrench: '🔧', hammer_and_wrench: '🛠️',
  arrow_right: '➡️', heavy_minus_sign: '➖', white_circle: '⚪', black_circle: '⚫', large_blue_circle: '🔵', ballot_box_with_check: '☑️',
};

const Sandbox = (window.Sandbox = window.Sandbox || {});

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
Sandbox.el = el;
/** DOM's replaceChildren turns null into the text "null": drop absent parts first. */
Sandbox.fill = (node, ...children) => node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));

/** Slack escapes &, < and > in message text; show the characters themselves. */
const decode = (text) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const emojify = (text) => text.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] || m);
Sandbox.plain = (text) => emojify(decode(String(text || '')));

function entity(inner, ctx) {
  const [target, label] = [inner.split('|')[0], inner.split('|').slice(1).join('|')];
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const user = ctx.users.find((u) => u.id === id);
    return el('span', { class: 'mention', 'data-user': id }, `@${user ? user.realName : label || id}`);
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const channel = ctx.channels.find((c) => c.id === id);
    return el('a', { class: 'mention channel-link', href: `#${id}`, 'data-channel': id }, `#${channel ? channel.name : label || id}`);
  }
  if (target.startsWith('!')) {
    const special = target.slice(1).split('^')[0];
    return el('span', { class: 'mention' }, label ? decode(label) : `@${special}`);
  }
  const url = decode(target);
  if (/^(https?:|mailto:)/i.test(url)) return el('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, decode(label || target));
  return document.createTextNode(decode(label || target));
}

const INLINE = /(<[^<>\n]+>)|(`[^`\n]+`)|((?<![\w*])\*(?!\s)[^*\n]+?\*(?![\w*]))|((?<![\w_])_(?!\s)[^_\n]+?_(?![\w_]))|((?<![\w~])~(?!\s)[^~\n]+?~(?![\w~]))|(:[a-z0-9_+-]+:)|(\n)/;

function inline(text, ctx, into) {
  let rest = text;
  while (rest) {
    const match = INLINE.exec(rest);
    if (!match) {
      into.append(decode(rest));
      return;
    }
    if (match.index > 0) into.append(decode(rest.slice(0, match.index)));
    const [token] = match;
    if (match[1]) into.append(entity(token.slice(1, -1), ctx));
    else if (match[2]) into.append(el('code', {}, decode(token.slice(1, -1))));
    else if (match[3] || match[4] || match[5]) {
      const node = el(match[3] ? 'strong' : match[4] ? 'em' : 's');
      inline(token.slice(1, -1), ctx, node);
      into.append(node);
    } else if (match[6]) into.append(EMOJI[token.slice(1, -1)] || token);
    else into.append(el('br'));
    rest = rest.slice(match.index + token.length);
  }
}

/** Slack mrkdwn → nodes: ```pre```, `code`, *bold*, _italic_, ~strike~, <links|label>, <@user>, <#channel>, :emoji:, > quotes. */
Sandbox.mrkdwn = function mrkdwn(text, ctx) {
  const root = el('div', { class: 'mrkdwn' });
  const parts = String(text || '').split('```');
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      root.append(el('pre', {}, decode(part.replace(/^\n/, ''))));
      return;
    }
    const lines = part.split('\n');
    let quote;
    lines.forEach((line, n) => {
      const quoted = /^&gt; ?/.test(line);
      if (quoted) {
        quote = quote || root.appendChild(el('blockquote'));
        inline(line.replace(/^&gt; ?/, ''), ctx, quote);
        quote.append(el('br'));
      } else {
        quote = undefined;
        inline(line, ctx, root);
        if (n < lines.length - 1) root.append(el('br'));
      }
    });
  });
  return root;
};

Sandbox.text = function text(obj, ctx) {
  if (!obj) return el('span');
  if (obj.type === 'mrkdwn') return Sandbox.mrkdwn(obj.text, ctx);
  return el('span', { class: 'plain' }, Sandbox.plain(obj.text));
};

function button(element, ctx) {
  const classes = ['btn', element.style === 'primary' ? 'primary' : '', element.style === 'danger' ? 'danger' : ''].join(' ').trim();
  return el('button', {
    type: 'button',
    class: classes,
    'data-action-id': element.action_id,
    onclick: async () => {
      if (element.url) window.open(element.url, '_blank', 'noopener');
      if (element.confirm && !(await Sandbox.confirmDialog(element.confirm, ctx))) return;
      ctx.act(element, []);
    },
  }, Sandbox.plain(element.text && element.text.text));
}

/** Ticks people made, kept like Slack's client keeps them: the message itself still has its initial_options. */
const ticked = new Map();

function checkboxes(element, ctx) {
  const key = `${ctx.key}|${ctx.blockId}|${element.action_id}`;
  const initial = new Set(ticked.get(key) || (element.initial_options || []).map((o) => o.value));
  const group = el('div', { class: 'checkboxes', role: 'group' });
  for (const option of element.options || []) {
    const id = `cb-${Math.random().toString(36).slice(2)}`;
    const box = el('input', { type: 'checkbox', id, value: option.value, checked: initial.has(option.value) });
    box.addEventListener('change', () => {
      const selected = [...group.querySelectorAll('input:checked')].map((b) => b.value);
      ticked.set(key, selected);
      ctx.act(element, selected);
    });
    group.append(el('div', { class: 'check' }, box, el('label', { for: id }, Sandbox.text(option.text, ctx))));
  }
  return group;
}

function select(element, ctx) {
  const node = el('select', { 'aria-label': Sandbox.plain(element.placeholder && element.placeholder.text) || 'Choose' },
    el('option', { value: '' }, Sandbox.plain(element.placeholder && element.placeholder.text) || 'Choose…'),
    ...(element.options || []).map((o) => el('option', { value: o.value }, Sandbox.plain(o.text.text))));
  node.addEventListener('change', () => node.value && ctx.act(element, [node.value]));
  return node;
}

function interactive(element, ctx) {
  switch (element.type) {
    case 'button': return button(element, ctx);
    case 'checkboxes': return checkboxes(element, ctx);
    case 'static_select': case 'overflow': return select(element, ctx);
    case 'image': return el('img', { src: element.image_url, alt: element.alt_text || '', class: 'thumb' });
    default: return el('span', { class: 'unsupported' }, `[${element.type}]`);
  }
}

/** One block; `ctx` = { users, channels, act(element, selected, block) }. */
function block(b, ctx) {
  const scoped = { ...ctx, blockId: b.block_id, act: (element, selected) => ctx.act(b.block_id, element, selected) };
  switch (b.type) {
    case 'header': return el('h3', { class: 'block header' }, Sandbox.plain(b.text && b.text.text));
    case 'divider': return el('hr', { class: 'block' });
    case 'section': return el('div', { class: 'block section' },
      el('div', { class: 'section-main' },
        b.text ? Sandbox.text(b.text, ctx) : null,
        b.fields ? el('div', { class: 'fields' }, b.fields.map((f) => el('div', { class: 'field' }, Sandbox.text(f, ctx)))) : null),
      b.accessory ? el('div', { class: 'accessory' }, interactive(b.accessory, scoped)) : null);
    case 'context': return el('div', { class: 'block context' }, (b.elements || []).map((e) =>
      e.type === 'image' ? el('img', { src: e.image_url, alt: e.alt_text || '', class: 'icon' }) : Sandbox.text(e, ctx)));
    case 'actions': return el('div', { class: 'block actions' }, (b.elements || []).map((e) => interactive(e, scoped)));
    case 'image': return el('figure', { class: 'block' }, el('img', { src: b.image_url, alt: b.alt_text || '' }));
    default: return null;
  }
}

/** A message's body: its blocks when it has them, else its text as mrkdwn. */
Sandbox.renderBlocks = function renderBlocks(blocks, text, ctx) {
  const body = el('div', { class: 'blocks' });
  const rendered = (blocks || []).map((b) => block(b, ctx)).filter(Boolean);
  if (rendered.length === 0) body.append(Sandbox.mrkdwn(text, ctx));
  else body.append(...rendered);
  return body;
};
Sandbox.block = block;
