/* The live board: polls nothing, follows the event stream and refetches what changed. */
(function () {
  'use strict';
  const TOKEN_KEY = 'backlog.token';
  const STATUSES = ['ready', 'claimed', 'blocked', 'done'];
  const state = {
    token: sessionStorage.getItem(TOKEN_KEY), cards: [], byId: new Map(), stats: null,
    phase: '', view: 'board', detailId: null, skew: 0, lastSeq: null, pending: null,
  };
  const $ = id => document.getElementById(id);

  function h(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  async function api(path, opts) {
    opts = opts || {};
    const headers = {};
    if (state.token) headers.Authorization = 'Bearer ' + state.token;
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch(path, {method: opts.method || 'GET', headers, body: opts.body});
    const date = Date.parse(r.headers.get('Date') || '');
    if (!isNaN(date)) {
      const skew = date - Date.now();
      state.skew = Math.abs(skew) > 2000 ? skew : 0;
    }
    if (r.status === 401) { askToken(state.token ? 'that token was not accepted' : ''); throw new Error('a token is needed'); }
    const text = await r.text();
    const data = text ? JSON.parse(text) : null;
    if (!r.ok) throw new Error(data && data.error ? data.error.message : 'HTTP ' + r.status);
    return data;
  }

  function askToken(message) {
    $('auth').classList.remove('hidden');
    $('auth-error').textContent = message || '';
    $('auth-token').focus();
  }

  function toast(text) {
    const t = $('toast');
    t.textContent = text;
    t.classList.remove('hidden');
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => t.classList.add('hidden'), 4000);
  }

  function age(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    if (seconds < 60) return seconds + 's';
    if (seconds < 3600) return Math.floor(seconds / 60) + 'm ' + (seconds % 60) + 's';
    if (seconds < 86400) return Math.floor(seconds / 3600) + 'h ' + Math.floor(seconds % 3600 / 60) + 'm';
    return Math.floor(seconds / 86400) + 'd ' + Math.floor(seconds % 86400 / 3600) + 'h';
  }

  function left(expiresAt) {
    const ms = Date.parse(expiresAt) - (Date.now() + state.skew);
    if (ms <= 0) return {text: 'expired', expired: true};
    const s = Math.ceil(ms / 1000);
    const m = Math.floor(s / 60);
    return {text: (m > 0 ? m + 'm ' : '') + String(s % 60).padStart(m > 0 ? 2 : 1, '0') + 's left', expired: false};
  }

  function renderStats() {
    const s = state.stats;
    const box = $('stats');
    box.replaceChildren();
    if (!s) return;
    const chip = (label, value, cls) => {
      const c = h('div', 'stat ' + (cls || ''));
      c.dataset.stat = label;
      c.append(h('b', null, value), h('span', null, label));
      box.append(c);
    };
    STATUSES.forEach(st => chip(st, s.counts[st], st));
    chip('claimable', s.claimable);
    chip('oldest claimable', age(s.oldestClaimableAgeSeconds));
    chip('expired leases', s.expiredLeaseCount, s.expiredLeaseCount > 0 ? 'warn' : '');
    chip('total', s.total);
    const select = $('phase');
    const phases = Object.keys(s.byPhase || {}).sort();
    const have = Array.from(select.options).map(o => o.value).filter(v => v);
    if (phases.join('\n') !== have.join('\n')) {
      const current = select.value;
      select.replaceChildren(new Option('all', ''));
      phases.forEach(p => select.append(new Option(p, p)));
      select.value = phases.includes(current) ? current : '';
    }
  }

  function order(status) {
    const byTime = f => (a, b) => (a[f] || '').localeCompare(b[f] || '');
    switch (status) {
      case 'ready': return (a, b) => b.priority - a.priority || byTime('createdAt')(a, b) || a.id.localeCompare(b.id);
      case 'claimed': return (a, b) => (a.lease ? a.lease.expiresAt : '').localeCompare(b.lease ? b.lease.expiresAt : '');
      case 'done': return (a, b) => byTime('updatedAt')(b, a);
      default: return byTime('updatedAt');
    }
  }

  function cardElement(c) {
    const e = h('div', 'card ' + c.status);
    e.dataset.id = c.id;
    e.dataset.status = c.status;
    const row = h('div', 'row');
    row.append(h('span', 'id', c.id));
    if (c.priority) row.append(h('span', 'badge prio', 'P' + c.priority));
    e.append(row, h('div', 'title', c.title));
    const meta = h('div', 'meta');
    if (c.phase) meta.append(h('span', 'badge phase', c.phase));
    if (c.dependsOn.length) {
      const open = c.dependsOn.filter(d => { const x = state.byId.get(d); return !x || x.status !== 'done'; }).length;
      const b = h('span', 'badge deps', c.dependsOn.length + (c.dependsOn.length === 1 ? ' dep' : ' deps') + (open && c.status === 'ready' ? ', ' + open + ' open' : ''));
      b.dataset.deps = c.dependsOn.length;
      meta.append(b);
      if (open && c.status === 'ready') e.classList.add('waiting');
    }
    if (c.attempts > 0 && c.status !== 'done') meta.append(h('span', 'badge', 'attempt ' + c.attempts));
    if (meta.childNodes.length) e.append(meta);
    if (c.status === 'claimed' && c.lease) {
      const lease = h('div', 'meta');
      lease.append(h('span', 'owner', c.lease.owner));
      if (c.lease.phase) lease.append(h('span', 'badge lease-phase', c.lease.phase));
      const cd = h('span', 'countdown');
      cd.dataset.expires = c.lease.expiresAt;
      const l = left(c.lease.expiresAt);
      cd.textContent = l.text;
      cd.classList.toggle('expired', l.expired);
      lease.append(cd);
      e.append(lease);
    }
    if (c.status === 'ready' && c.notBefore) {
      const nb = h('div', 'meta not-before', 'not before ' + new Date(c.notBefore).toLocaleString());
      nb.dataset.notBefore = c.notBefore;
      e.classList.add('deferred');
      e.append(nb);
    }
    if (c.status === 'blocked' && c.blockedReason) e.append(h('div', 'reason', c.blockedReason));
    e.addEventListener('click', () => openDetail(c.id));
    return e;
  }

  function renderBoard() {
    const shown = state.cards.filter(c => !state.phase || c.phase === state.phase);
    STATUSES.forEach(st => {
      const col = document.querySelector('.column[data-status="' + st + '"]');
      const list = shown.filter(c => c.status === st).sort(order(st));
      col.querySelector('.count').textContent = list.length;
      const box = col.querySelector('.cards');
      box.replaceChildren(...list.map(cardElement));
      if (!list.length) box.append(h('div', 'empty', 'nothing ' + st));
    });
  }

  async function renderGraph() {
    const g = await api('/api/graph');
    const keep = new Set(g.nodes.filter(n => !state.phase || n.phase === state.phase).map(n => n.id));
    const graph = {nodes: g.nodes.filter(n => keep.has(n.id)), edges: g.edges.filter(e => keep.has(e.from) && keep.has(e.to))};
    window.BacklogGraph.draw($('graph'), graph, openDetail);
  }

  async function refresh() {
    const [cards, stats] = await Promise.all([api('/api/cards'), api('/api/stats')]);
    state.cards = cards;
    state.byId = new Map(cards.map(c => [c.id, c]));
    state.stats = stats;
    renderStats();
    renderBoard();
    if (state.view === 'graph') await renderGraph();
    if (state.detailId) await renderDetail();
    document.body.dataset.loaded = 'true';
  }

  function scheduleRefresh() {
    if (state.pending) return;
    state.pending = setTimeout(() => {
      state.pending = null;
      refresh().catch(e => toast(e.message));
    }, 120);
  }

  function tick() {
    document.querySelectorAll('.countdown[data-expires]').forEach(cd => {
      const l = left(cd.dataset.expires);
      cd.textContent = l.text;
      cd.classList.toggle('expired', l.expired);
    });
  }

  function setLive(on) {
    const l = $('live');
    l.textContent = on ? 'live' : 'offline';
    l.classList.toggle('off', !on);
  }

  async function follow() {
    for (;;) {
      try {
        const headers = {};
        if (state.token) headers.Authorization = 'Bearer ' + state.token;
        if (state.lastSeq !== null) headers['Last-Event-ID'] = String(state.lastSeq);
        const r = await fetch('/api/events/stream', {headers, cache: 'no-store'});
        if (r.status === 401) { setLive(false); askToken(''); return; }
        if (!r.ok || !r.body) throw new Error('HTTP ' + r.status);
        setLive(true);
        scheduleRefresh(); // anything that happened before the stream opened
        const reader = r.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const {value, done} = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, {stream: true});
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            handle(block);
          }
        }
      } catch (e) {
        // reconnect below
      }
      setLive(false);
      await new Promise(r => setTimeout(r, 1000));
    }
  }

  function handle(block) {
    let id = null, data = '';
    block.split('\n').forEach(line => {
      if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data += line.slice(6);
    });
    if (!data) return;
    if (id !== null) state.lastSeq = Number(id);
    scheduleRefresh();
  }

  function openDetail(id) {
    state.detailId = id;
    $('detail').classList.remove('hidden');
    renderDetail().catch(e => toast(e.message));
  }

  function closeDetail() {
    state.detailId = null;
    $('detail').classList.add('hidden');
  }

  function row(dl, label, value) {
    dl.append(h('dt', null, label));
    const dd = h('dd');
    if (value instanceof Node) dd.append(value); else dd.textContent = value === null || value === undefined || value === '' ? '–' : value;
    dl.append(dd);
  }

  function links(ids) {
    const span = h('span');
    if (!ids.length) { span.textContent = '–'; return span; }
    ids.forEach((d, i) => {
      if (i) span.append(', ');
      const a = h('a', 'dep', d);
      const x = state.byId.get(d);
      if (x) a.title = x.title + ' (' + x.status + ')';
      a.addEventListener('click', () => openDetail(d));
      span.append(a);
    });
    return span;
  }

  async function act(verb, body) {
    try {
      await api('/api/cards/' + encodeURIComponent(state.detailId) + '/' + verb, {method: 'POST', body: JSON.stringify(body || {})});
      scheduleRefresh();
    } catch (e) {
      toast(e.message);
    }
  }

  async function renderDetail() {
    const id = state.detailId;
    const [c, events, runs, why] = await Promise.all([
      api('/api/cards/' + encodeURIComponent(id)),
      api('/api/events?card=' + encodeURIComponent(id) + '&limit=500'),
      api('/api/cards/' + encodeURIComponent(id) + '/history'),
      api('/api/cards/' + encodeURIComponent(id) + '/explain'),
    ]);
    if (state.detailId !== id) return;
    const box = $('detail-body');
    box.replaceChildren();
    box.append(h('div', 'id', c.id), h('h3', null, c.title));
    box.append(h('span', 'status-pill ' + c.status, c.status));
    const dl = h('dl');
    row(dl, 'phase', c.phase);
    row(dl, 'priority', c.priority);
    row(dl, 'attempts', c.attempts + (c.maxAttempts ? ' of ' + c.maxAttempts : ''));
    row(dl, 'depends on', links(c.dependsOn));
    row(dl, 'needed by', links(state.cards.filter(x => x.dependsOn.includes(c.id)).map(x => x.id)));
    if (c.lease) {
      const cd = h('span', 'countdown');
      cd.dataset.expires = c.lease.expiresAt;
      cd.textContent = left(c.lease.expiresAt).text;
      row(dl, 'held by', c.lease.owner);
      row(dl, 'lease', cd);
      if (c.lease.phase) row(dl, 'lease phase', c.lease.phase);
      const attrs = Object.entries(c.lease.attributes || {}).map(([k, v]) => k + '=' + v).join(', ');
      if (attrs) row(dl, 'lease attributes', attrs);
    }
    if (c.notBefore) row(dl, 'not before', new Date(c.notBefore).toLocaleString());
    if (c.blockedReason) row(dl, 'blocked', c.blockedReason);
    if (why.claimable) {
      row(dl, 'claim order', why.rank === 1 ? '1: the next claim takes it' : String(why.rank));
    } else if (c.status === 'ready' || c.status === 'blocked') {
      const ul = h('ul', 'why');
      ul.id = 'detail-why';
      why.reasons.forEach(r => ul.append(h('li', null, r.text)));
      row(dl, 'waiting', ul);
    }
    row(dl, 'created', new Date(c.createdAt).toLocaleString());
    row(dl, 'updated', new Date(c.updatedAt).toLocaleString());
    box.append(dl);
    if (c.body) { box.append(h('h4', null, 'Body'), h('div', 'body', c.body)); }
    if (c.acceptance !== null) {
      box.append(h('h4', null, 'Acceptance'));
      if (Array.isArray(c.acceptance)) {
        const ul = h('ul', 'acceptance');
        c.acceptance.forEach(a => ul.append(h('li', null, typeof a === 'string' ? a : JSON.stringify(a))));
        box.append(ul);
      } else {
        box.append(h('div', 'body', JSON.stringify(c.acceptance, null, 2)));
      }
    }
    const actions = h('div', 'actions');
    if (c.status === 'ready' || c.status === 'claimed') {
      const reason = h('input');
      reason.placeholder = 'reason to block';
      reason.id = 'block-reason';
      const b = h('button', null, 'Block');
      b.id = 'action-block';
      b.addEventListener('click', () => act('block', reason.value ? {reason: reason.value} : {}));
      actions.append(reason, b);
    }
    if (c.status === 'blocked') {
      const b = h('button', null, 'Unblock');
      b.id = 'action-unblock';
      b.addEventListener('click', () => act('unblock'));
      actions.append(b);
    }
    if (c.status === 'done') {
      const b = h('button', null, 'Reopen');
      b.id = 'action-reopen';
      b.addEventListener('click', () => act('reopen'));
      actions.append(b);
    }
    box.append(actions);
    box.append(h('h4', null, 'Runs (' + runs.length + ')'));
    const rl = h('ul', 'runs');
    rl.id = 'detail-runs';
    runs.forEach(r => {
      const li = h('li');
      li.dataset.token = r.token;
      li.dataset.outcome = r.outcome || 'open';
      li.append(h('span', 'etype', r.outcome || 'running'), ' ' + r.owner + ' (lease ' + r.token + ') ',
        h('span', 'when', new Date(r.claimedAt).toLocaleTimeString() + (r.endedAt ? ' to ' + new Date(r.endedAt).toLocaleTimeString() : '')));
      const detail = [r.phase, r.reason].filter(x => x).join(' · ');
      if (detail) li.append(h('div', 'when', detail));
      if (r.evidence) {
        const ev = JSON.stringify(r.evidence);
        li.append(h('div', 'when', 'evidence ' + (ev.length > 160 ? ev.slice(0, 159) + '…' : ev)));
      }
      rl.append(li);
    });
    box.append(rl);
    box.append(h('h4', null, 'History (' + events.length + (events.length === 1 ? ' event)' : ' events)')));
    const ul = h('ul', 'events');
    ul.id = 'detail-events';
    events.slice().reverse().forEach(e => {
      const li = h('li');
      li.dataset.seq = e.seq;
      li.dataset.type = e.type;
      li.append(h('span', 'etype', e.type), ' by ' + e.actor + ' ', h('span', 'when', new Date(e.at).toLocaleTimeString()));
      const extra = e.data && Object.keys(e.data).length ? JSON.stringify(e.data) : '';
      if (extra) li.append(h('div', 'when', extra.length > 160 ? extra.slice(0, 159) + '…' : extra));
      ul.append(li);
    });
    box.append(ul);
  }

  function setView(view) {
    state.view = view;
    $('tab-board').classList.toggle('active', view === 'board');
    $('tab-graph').classList.toggle('active', view === 'graph');
    $('board').classList.toggle('hidden', view !== 'board');
    $('graph-view').classList.toggle('hidden', view !== 'graph');
    if (view === 'graph') renderGraph().catch(e => toast(e.message));
  }

  function start() {
    $('auth').classList.add('hidden');
    refresh().then(follow).catch(e => { if (e.message !== 'a token is needed') toast(e.message); });
  }

  $('tab-board').addEventListener('click', () => setView('board'));
  $('tab-graph').addEventListener('click', () => setView('graph'));
  $('phase').addEventListener('change', e => { state.phase = e.target.value; renderBoard(); if (state.view === 'graph') renderGraph(); });
  $('detail-close').addEventListener('click', closeDetail);
  document.addEventListener('keydown', e => { if (e.key === 'Escape') closeDetail(); });
  $('auth-form').addEventListener('submit', e => {
    e.preventDefault();
    state.token = $('auth-token').value.trim();
    sessionStorage.setItem(TOKEN_KEY, state.token);
    start();
  });
  setInterval(tick, 1000);
  start();
})();
