// The sandbox workspace: channels, messages, threads, pins, composer, modals, Simulate — live over SSE.
'use strict';

(function () {
  const Sandbox = window.Sandbox;
  const el = Sandbox.el;
  const $ = (id) => document.getElementById(id);
  const state = { me: localStorage.getItem('sandbox-user') || 'U0ONCALL', channel: location.hash.slice(1) || '', thread: '', showPins: false, data: undefined, unread: new Set(), modalKey: '', priorValues: {} };

  async function call(path, body) {
    const response = await fetch(`/sandbox/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const json = await response.json().catch(() => ({}));
    return { status: response.status, json };
  }

  const ctxFor = (message) => ({
    key: `${message.channel}|${message.ts}`,
    users: state.data.users,
    channels: state.data.channels,
    act: (blockId, element, selected) =>
      call('action', { user: state.me, channel: message.channel, ts: message.ts, blockId: blockId || '_', actionId: element.action_id, selected }),
  });

  const userName = (id) => {
    const user = state.data.users.find((u) => u.id === id);
    return user ? user.realName : id;
  };
  const time = (ts) => new Date(Number(ts.split('.')[0]) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const channelLabel = (c) => (c.dmWith ? 'Firebreak' : `# ${c.name}`);

  function message(m, inThread) {
    const bot = m.user === state.data.bot;
    const pinned = state.data.pins.includes(m.ts);
    return el('li', { class: `message${m.ephemeralFor ? ' ephemeral' : ''}${pinned ? ' pinned' : ''}`, 'data-ts': m.ts },
      el('div', { class: `avatar${bot ? ' bot' : ''}`, 'aria-hidden': 'true' }, bot ? '🔥' : userName(m.user).slice(0, 1)),
      el('div', { class: 'content' },
        el('div', { class: 'meta' },
          el('strong', {}, userName(m.user)), bot ? el('span', { class: 'badge' }, 'APP') : null,
          el('time', {}, time(m.ts)),
          m.ephemeralFor ? el('span', { class: 'note' }, 'Only visible to you') : null,
          m.edited ? el('span', { class: 'note' }, '(edited)') : null,
          pinned ? el('span', { class: 'note' }, '📌 Pinned') : null,
          m.broadcast && !inThread ? el('button', { type: 'button', class: 'replies', onclick: () => openThread(m.threadTs) }, 'replied to a thread') : null),
        Sandbox.renderBlocks(m.blocks, m.text, ctxFor(m)),
        (m.files || []).map((f) => el('a', { class: 'file', href: `/sandbox/files/${encodeURIComponent(f.id)}`, target: '_blank' }, `📄 ${f.title} (${f.name})`)),
        !inThread && m.replyCount ? el('button', { type: 'button', class: 'replies', onclick: () => openThread(m.ts) }, `${m.replyCount} ${m.replyCount === 1 ? 'reply' : 'replies'}`) : null,
        !inThread && !m.replyCount && !m.ephemeralFor && !m.threadTs ? el('button', { type: 'button', class: 'reply-link', onclick: () => openThread(m.ts) }, 'Reply in thread') : null));
  }

  function openThread(ts) {
    state.thread = ts;
    refresh();
  }

  function renderSidebar(data) {
    const list = (channels) => el('ul', {}, channels.map((c) =>
      el('li', {}, el('a', {
        href: `#${c.id}`,
        class: `${c.id === state.channel ? 'active' : ''}${state.unread.has(c.id) ? ' unread' : ''}`,
        'aria-current': c.id === state.channel ? 'page' : undefined,
      }, channelLabel(c)))));
    const named = data.channels.filter((c) => !c.dmWith).sort((a, b) => a.name.localeCompare(b.name));
    const incidents = named.filter((c) => /^(inc|drill)-/.test(c.name));
    Sandbox.fill($('channels'), 
      el('h2', {}, 'Channels'), list(named.filter((c) => !incidents.includes(c))),
      el('h2', {}, 'Incidents'), incidents.length ? list(incidents) : el('p', { class: 'empty' }, 'None yet'),
      el('h2', {}, 'Direct messages'), list(data.channels.filter((c) => c.dmWith)));
  }

  function renderChannel(data) {
    const channel = data.channel;
    if (!channel) return;
    const pinned = data.messages.filter((m) => data.pins.includes(m.ts));
    Sandbox.fill($('channel-header'), 
      el('h1', {}, channelLabel(channel)),
      channel.topic ? el('div', { class: 'topic' }, Sandbox.mrkdwn(channel.topic, { users: data.users, channels: data.channels })) : null,
      el('button', { type: 'button', class: 'pins-toggle', 'aria-expanded': String(state.showPins), onclick: () => { state.showPins = !state.showPins; refresh(); } }, `📌 ${pinned.length} pinned`),
      el('span', { class: 'members' }, `👥 ${channel.members.length}`));
    $('pins').hidden = !state.showPins;
    Sandbox.fill($('pins'), el('h2', {}, 'Pinned messages'), el('ul', {}, pinned.map((m) => message(m, true))));
    const log = $('messages');
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    Sandbox.fill(log, ...data.messages.map((m) => message(m)));
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  function renderThread(data) {
    const pane = $('thread');
    pane.hidden = !data.threadParent;
    if (!data.threadParent) return;
    Sandbox.fill(pane, 
      el('header', {}, el('h2', {}, 'Thread'), el('button', { type: 'button', class: 'btn', onclick: () => { state.thread = ''; refresh(); } }, 'Close thread')),
      el('ul', { class: 'thread-messages' }, message(data.threadParent, true), ...(data.thread || []).map((m) => message(m, true))),
      composer('Reply', (text) => call('message', { user: state.me, channel: data.channel.id, text, threadTs: state.thread })));
  }

  function renderModal(data) {
    const top = data.views[data.views.length - 1];
    const key = top ? JSON.stringify(top) : '';
    if (key === state.modalKey) return;
    state.modalKey = key;
    Sandbox.fill($('modal-root'));
    if (!top) return;
    $('modal-root').append(Sandbox.renderModal(top, {
      users: data.users,
      channels: data.channels,
      priorValues: state.priorValues[top.id],
      submitView: async (view, values) => {
        state.priorValues[view.id] = values;
        const { json } = await call(`views/${encodeURIComponent(view.id)}/submit`, { user: state.me, values });
        if (json && json.errors) state.modalKey = '';
        refresh();
      },
      closeView: async (view) => {
        await call(`views/${encodeURIComponent(view.id)}/close`, { user: state.me });
        refresh();
      },
    }));
    const first = $('modal-root').querySelector('input, textarea, select');
    if (first) first.focus();
  }

  function renderDeployer(data) {
    Sandbox.fill($('deployer'), el('h2', {}, 'Demo deployer'),
      data.deployer.length === 0 ? el('p', { class: 'empty' }, 'No calls yet. Rollback and Disable flag land here.') : null,
      el('ul', {}, data.deployer.map((call) => el('li', {},
        el('strong', {}, `${call.kind} · ${call.signature ? `signature ${call.signature}` : `token ${call.token}`}`),
        el('pre', {}, JSON.stringify(call.body, null, 2))))));
  }

  let refreshing;
  let again = false;
  async function refresh() {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      const query = new URLSearchParams({ user: state.me, ...(state.channel ? { channel: state.channel } : {}), ...(state.thread ? { thread: state.thread } : {}) });
      const data = await (await fetch(`/sandbox/state?${query}`)).json();
      if (!data.channel && data.channels.length) {
        const general = data.channels.find((c) => c.name === 'general') || data.channels[0];
        state.channel = general.id;
        history.replaceState(null, '', `#${general.id}`);
        refreshing = undefined;
        return refresh();
      }
      state.data = data;
      state.unread.delete(state.channel);
      renderSidebar(data);
      renderChannel(data);
      renderThread(data);
      renderModal(data);
      renderDeployer(data);
      if (!$('simulate').dataset.ready) Sandbox.buildSimulate($('simulate'), data.services, call);
    })().finally(() => {
      refreshing = undefined;
      if (again) {
        again = false;
        refresh();
      }
    });
    return refreshing;
  }

  function composer(label, send) {
    const id = `composer-${label.toLowerCase()}`;
    const box = el('textarea', { id, rows: 2, 'aria-label': label, placeholder: label === 'Message' ? 'Message, or /incident help' : 'Reply…' });
    const submit = async (event) => {
      event.preventDefault();
      const text = box.value.trim();
      if (!text) return;
      box.value = '';
      const { status, json } = await send(text);
      if (status >= 400) box.value = text, alert(json.error || `HTTP ${status}`);
    };
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) submit(event);
    });
    return el('form', { class: 'composer', onsubmit: submit }, box, el('button', { type: 'submit', class: 'btn primary' }, 'Send'));
  }

  function start() {
    const who = $('user');
    for (const u of [['U0ONCALL', 'Olivia Oncall — on-call'], ['U0LEAD', 'Liam Lead — team lead'], ['U0MANAGER', 'Maya Manager — manager'], ['U0VIEWER', 'Nico Bystander — not a responder']])
      who.append(el('option', { value: u[0], selected: u[0] === state.me }, u[1]));
    who.addEventListener('change', () => {
      state.me = who.value;
      localStorage.setItem('sandbox-user', state.me);
      state.modalKey = '';
      state.thread = '';
      refresh();
    });
    Sandbox.fill($('composer-slot'), composer('Message', (text) => call('message', { user: state.me, channel: state.channel, text })));
    window.addEventListener('hashchange', () => {
      state.channel = location.hash.slice(1);
      state.thread = '';
      state.showPins = false;
      refresh();
    });
    const events = new EventSource('/sandbox/events');
    events.onmessage = (event) => {
      const change = JSON.parse(event.data);
      if (change.kind === 'message' && change.channel && change.channel !== state.channel) state.unread.add(change.channel);
      if (change.kind === 'view' && change.user !== state.me) return;
      refresh();
    };
    events.onopen = () => refresh();
    refresh();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
