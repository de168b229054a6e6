// The live page of `go run ./scripts/inspect -web`. Every second it reads
// /api/state (and /api/order while an order is followed) and draws it.
//
// Stream fields are untrusted: every text from Redis goes into the page with
// textContent or setAttribute, never as HTML.
'use strict';

const ORDERS = 'order-events';
const PAYMENTS = 'payment-events';
const PAYMENT_GROUP = 'payment-service-group';
const NOTIFY_GROUP = 'notification-service-group';
const EVERY_MS = 1000;
// A stream box shows its newest 4 entries; 3 on a short screen, such as a
// 1280×720 projector with the browser's tabs and address bar, so that the
// flow still fits. The flow runs top to bottom in a narrow window: 4 there.
const shortScreen = matchMedia('(max-height: 650px) and (min-width: 901px)');
const entriesShown = () => (shortScreen.matches ? 3 : 4);
const DEAD_SHOWN = 3;

const LABELS = {
  en: {
    title: 'Redis Streams: live view',
    loading: 'Loading…',
    where: 'Redis at {0} ({1})',
    updated: 'updated {0}',
    redisDown: 'Redis does not answer: {0}. Below is what it held at {1}. This page tries again every second.',
    redisDownNever: 'Redis does not answer: {0}. This page tries again every second.',
    noServer: 'This page lost its server. Is `go run ./scripts/inspect -web` still running? Trying again every second.',
    orderCaption: 'Takes orders over HTTP and adds each one to order-events.',
    paymentCaption: 'Pays each order once, and adds the payment to payment-events.',
    notificationCaption: 'Mails the user for each order, and texts them for each payment.',
    legend: 'pending: delivered to a consumer, not acked yet · lag: in the stream, not delivered to the group yet · read: delivered to the group so far · idle: time since the consumer last read',
    naEmbedded: 'n/a: the embedded Redis (miniredis) does not keep this number; redis-server does',
    embedded: 'embedded Redis (miniredis)',
    notStream: '{0} is a {1}, not a stream: the services cannot use it',
    service: 'service',
    stream: 'stream',
    entries: 'entries',
    lastId: 'last ID',
    newest: 'newest first · click one to follow its order',
    older: '… and {0} older',
    noStream: 'Not created yet: the services create it when they start.',
    group: 'group',
    readsOrders: 'reads order-events → mail',
    readsPayments: 'reads payment-events → SMS',
    noGroup: 'No group yet: it appears when the service starts.',
    pending: 'pending',
    lag: 'lag',
    trimmed: 'trimmed',
    trimmedTitle: 'trimmed from the stream before this group read them: never delivered',
    trimmedNote: '{0} entries were trimmed from the stream before this group read them: never delivered, and not counted in lag.',
    lagOverLength: 'Lag {0} is more than the {1} entries in the stream: it counts entries trimmed before this group read them, which it never gets.',
    entriesRead: 'read',
    consumer: 'consumer',
    idle: 'idle',
    noConsumers: 'No consumer has read yet.',
    otherGroups: 'Other groups:',
    deadLetters: 'Dead letters',
    deadHint: 'Events a service could not process: invalid ones at once, others after too many deliveries. Each keeps its fields and the reason.',
    noDead: 'None yet: every event so far could be processed.',
    followOrder: 'Follow one order',
    follow: 'Follow',
    clear: 'Clear',
    orderPlaceholder: 'orderId or entry ID',
    orderHint: 'Type an orderId or an order-events entry ID, or click an entry above. The address ?order=ID works too.',
    acked: 'acked',
    pendingAt: 'pending at {0}, delivered {1}×, idle {2}',
    notDelivered: 'not delivered yet',
    deadLetter: 'dead letter',
    following: 'order-events {0} has orderId {1}: following that.',
    traceId: 'Trace ID (OpenTelemetry):',
    notFound: 'No entry about this order in what was read.',
    scanned: 'Read: {0}.',
    scannedOne: '{0} {1} of {2} entries',
    about: 'This page only reads (XINFO, XLEN, XRANGE, XREVRANGE, XPENDING), never XREADGROUP: watching it changes nothing the services see.',
    otherLang: '한국어',
  },
  ko: {
    title: 'Redis Streams 실시간 보기',
    loading: '불러오는 중…',
    where: 'Redis {0} ({1})',
    updated: '{0} 갱신',
    redisDown: 'Redis가 응답하지 않습니다: {0}. 아래는 {1} 기준의 마지막 상태입니다. 매초 다시 시도합니다.',
    redisDownNever: 'Redis가 응답하지 않습니다: {0}. 매초 다시 시도합니다.',
    noServer: '이 페이지의 서버가 응답하지 않습니다. `go run ./scripts/inspect -web`이 아직 실행 중인가요? 매초 다시 시도합니다.',
    orderCaption: 'HTTP로 주문을 받아 order-events에 하나씩 추가합니다.',
    paymentCaption: '주문마다 한 번 결제하고, 결제를 payment-events에 추가합니다.',
    notificationCaption: '주문마다 메일을, 결제마다 SMS를 보냅니다.',
    legend: 'pending: consumer에게 전달됐지만 아직 ack하지 않음 · lag: 스트림에는 있지만 그룹에 아직 전달되지 않음 · 읽음: 지금까지 그룹에 전달된 수 · idle: consumer가 마지막으로 읽은 뒤 지난 시간',
    naEmbedded: 'n/a: 내장 Redis(miniredis)는 이 값을 관리하지 않습니다. redis-server는 관리합니다',
    embedded: '내장 Redis(miniredis)',
    notStream: '{0}: 스트림이 아닙니다(타입 {1}). 서비스가 쓸 수 없습니다',
    service: '서비스',
    stream: '스트림',
    entries: '엔트리',
    lastId: '마지막 ID',
    newest: '최신 순 · 누르면 그 주문을 따라갑니다',
    older: '… 이전 엔트리 {0}개',
    noStream: '아직 없습니다. 서비스가 시작할 때 만듭니다.',
    group: '그룹',
    readsOrders: 'order-events 읽기 → 메일',
    readsPayments: 'payment-events 읽기 → SMS',
    noGroup: '아직 그룹이 없습니다. 서비스가 시작하면 생깁니다.',
    pending: 'pending',
    lag: 'lag',
    trimmed: '잘림',
    trimmedTitle: '이 그룹이 읽기 전에 스트림에서 잘려 전달되지 않은 엔트리',
    trimmedNote: '엔트리 {0}개가 이 그룹이 읽기 전에 스트림에서 잘려 나가 전달되지 않았습니다. lag 값에는 들어가지 않습니다.',
    lagOverLength: '스트림에는 엔트리가 {1}개뿐인데 lag 값은 {0}입니다. 이 그룹이 읽기 전에 잘려 나가 끝내 받지 못할 엔트리까지 세기 때문입니다.',
    entriesRead: '읽음',
    consumer: 'consumer',
    idle: 'idle',
    noConsumers: '아직 읽은 consumer가 없습니다.',
    otherGroups: '다른 그룹:',
    deadLetters: 'Dead letter',
    deadHint: '서비스가 처리하지 못한 이벤트입니다. 잘못된 이벤트는 바로, 나머지는 전달 횟수를 넘기면 옵니다. 원래 필드와 이유를 함께 담습니다.',
    noDead: '아직 없습니다. 지금까지 모든 이벤트를 처리했습니다.',
    followOrder: '주문 하나 따라가기',
    follow: '따라가기',
    clear: '지우기',
    orderPlaceholder: 'orderId 또는 엔트리 ID',
    orderHint: 'orderId나 order-events의 엔트리 ID를 넣거나, 위의 엔트리를 누르세요. 주소에 ?order=ID를 붙여도 됩니다.',
    acked: 'ack 완료',
    pendingAt: 'pending: {0}, {1}번 전달, idle {2}',
    notDelivered: '아직 전달 안 됨',
    deadLetter: 'dead letter',
    following: 'order-events {0}의 orderId는 {1}입니다. 그것을 따라갑니다.',
    traceId: '트레이스 ID(OpenTelemetry):',
    notFound: '읽은 범위에 이 주문의 엔트리가 없습니다.',
    scanned: '읽은 범위: {0}.',
    scannedOne: '{0} {2}개 중 {1}개',
    about: '이 페이지는 읽기만 합니다(XINFO, XLEN, XRANGE, XREVRANGE, XPENDING). XREADGROUP은 쓰지 않으니, 지켜봐도 서비스가 보는 것은 바뀌지 않습니다.',
    otherLang: 'English',
  },
};

// The language: ?lang= in the address, else what the server says (-lang, or
// the browser's Accept-Language), else, until it answers, the browser's.
const params = new URLSearchParams(location.search);
const urlLang = params.get('lang') in LABELS ? params.get('lang') : null;
let lang = urlLang || ((navigator.language || '').toLowerCase().startsWith('ko') ? 'ko' : 'en');

function t(key, ...args) {
  const s = LABELS[lang][key] ?? LABELS.en[key] ?? key;
  return s.replace(/\{(\d)\}/g, (_, i) => args[i]);
}

// el makes an element. Children that are not nodes become text nodes; an
// attribute is set with setAttribute, so a value is never read as markup.
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v != null) e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c != null && c !== false) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

// fill replaces the node's children; null and false stand for nothing.
function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c != null && c !== false));
}

// prose is text that may wrap between words, and only there: a word with a
// hyphen, a colon or a slash (order-events, ?order=ID, host:port) would
// otherwise break after it, so it goes into a span that does not wrap.
function prose(text) {
  return String(text).split(/(\s+)/).filter((w) => w !== '')
    .map((w) => (/[^\p{L}\p{N}\s]/u.test(w) ? el('span', { class: 'nw' }, w) : w));
}

// clip is a name or an ID on one line: too long for its box, it ends in "…",
// and the tooltip (title) shows it all.
function clip(tag, cls, text, title) {
  return el(tag, { class: `clip ${cls || ''}`.trim(), title: title ?? text }, text);
}

// Numbers that changed since the last drawing flash once.
let shown = new Map();
let drawing = new Map();

function num(key, value, cls) {
  const text = value == null ? 'n/a' : String(value);
  const e = el('span', { class: `num ${cls || ''} ${value == null ? 'na' : ''}`.trim(), 'data-value': text }, text);
  if (shown.has(key) && shown.get(key) !== text) e.classList.add('bump');
  drawing.set(key, text);
  return e;
}

function stat(label, value, key, cls) {
  return el('div', { class: 'stat' }, num(key, value, cls), el('span', { class: 'label' }, label));
}

// duration is short, to fit a table cell: 850ms, 3.7s, 3m 31s, 2h 10m
// (in Korean 3.7초, 3분 31초, 2시간 10분).
function duration(ms) {
  if (ms == null) return 'n/a';
  const [s, m, h] = lang === 'ko' ? ['초', '분', '시간'] : ['s', 'm', 'h'];
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)}${s}`;
  if (ms < 3600000) return `${Math.floor(ms / 60000)}${m} ${Math.floor(ms / 1000) % 60}${s}`;
  return `${Math.floor(ms / 3600000)}${h} ${Math.floor(ms / 60000) % 60}${m}`;
}

const problem = (s) => (s.type ? t('notStream', s.name, s.type) : s.problem);
const clock = (d) => d.toLocaleTimeString(lang === 'ko' ? 'ko-KR' : 'en-GB', { hour12: false });
const isDead = (name) => name.includes(':dlq:');
const field = (e, name) => (e.fields || []).find((f) => f[0] === name)?.[1] ?? '';

// ---- the flow: services around the two streams

function streamBox(s, name) {
  const box = document.getElementById(name);
  const head = el('h2', { title: name }, el('span', { class: 'kind' }, t('stream')), ' ', el('code', {}, name));
  if (!s || !s.exists) {
    fill(box, head, s?.problem ? el('p', { class: 'problem' }, prose(problem(s))) : el('p', { class: 'empty' }, prose(t('noStream'))));
    return;
  }
  const stats = el('div', { class: 'stats' },
    stat(t('entries'), s.length, `${name}/length`, 'length'),
    el('div', { class: 'stat id' }, clip('code', 'last-id', s.lastId || '-'), el('span', { class: 'label' }, t('lastId'))));
  const entries = el('ol', { class: 'entries' });
  const shownCount = entriesShown();
  for (const e of (s.newest || []).slice(0, shownCount)) {
    const orderId = field(e, 'orderId') || (name === ORDERS ? e.id : '');
    const all = (e.fields || []).map(([k, v]) => `${k}=${v}`).join(' ');
    const item = el('li', { class: 'entry', tabindex: '0', 'data-order': orderId || null },
      clip('code', 'id', e.id),
      el('span', { class: 'fields', title: all }, (e.fields || []).map(([k, v]) =>
        el('span', { class: 'field' }, el('span', { class: 'k' }, k), '=', el('span', { class: 'v' }, v)))));
    if (orderId) {
      item.addEventListener('click', () => follow(orderId));
      item.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') follow(orderId); });
    }
    entries.append(item);
  }
  const more = s.length > shownCount ? el('p', { class: 'more' }, t('older', s.length - shownCount)) : null;
  const known = name === ORDERS ? [PAYMENT_GROUP, NOTIFY_GROUP] : [NOTIFY_GROUP];
  const others = (s.groups || []).filter((g) => !known.includes(g.name));
  const otherLine = others.length ? el('p', { class: 'others' }, t('otherGroups'), ' ',
    others.map((g, i) => [i ? ', ' : '', el('span', { class: 'nw' }, el('code', {}, g.name), ` (${t('pending')} ${g.pending})`)])) : null;
  fill(box, head, stats, el('p', { class: 'hint' }, prose(t('newest'))), entries, more, otherLine);
}

function groupCard(s, stream, group, subtitle) {
  const g = (s?.groups || []).find((g) => g.name === group);
  const key = `${stream}/${group}`;
  const card = el('div', { class: 'group', 'data-group': key },
    el('h3', { title: group }, el('span', { class: 'kind' }, t('group')), ' ', el('code', {}, group)),
    subtitle ? el('p', { class: 'sub' }, prose(subtitle)) : null);
  if (!g) {
    card.append(el('p', { class: 'empty' }, prose(t('noGroup'))));
    return card;
  }
  const trimmed = g.trimmed > 0 ? stat(t('trimmed'), g.trimmed, `${key}/trimmed`, 'trimmed dead') : null;
  trimmed?.setAttribute('title', t('trimmedTitle'));
  card.append(el('div', { class: 'stats' },
    stat(t('pending'), g.pending, `${key}/pending`, `pending ${g.pending > 0 ? 'busy' : ''}`),
    stat(t('lag'), g.lag, `${key}/lag`, `lag ${g.lag > 0 ? 'busy' : ''}`),
    stat(t('entriesRead'), g.entriesRead, `${key}/read`, 'read'),
    trimmed));
  // Lag never counts what is gone from the stream unexplained: the server
  // subtracts what it can tell was trimmed unread, and says so; a lag that
  // is still more than the stream holds is explained where it stands.
  if (g.trimmed > 0) {
    card.append(el('p', { class: 'note trimmed-note' }, prose(t('trimmedNote', g.trimmed))));
  } else if (g.lag != null && s?.exists && g.lag > s.length) {
    card.append(el('p', { class: 'note lag-note' }, prose(t('lagOverLength', g.lag, s.length))));
  }
  if (!g.consumers?.length) {
    card.append(el('p', { class: 'empty' }, prose(t('noConsumers'))));
    return card;
  }
  const rows = g.consumers.map((c) => el('tr', { 'data-consumer': `${key}/${c.name}` },
    el('td', { class: 'name', title: c.name }, c.name),
    el('td', { class: 'n' }, num(`${key}/${c.name}/pending`, c.pending, `pending ${c.pending > 0 ? 'busy' : ''}`)),
    el('td', { class: 'idle' }, duration(c.idleMs))));
  card.append(el('table', { class: 'consumers' },
    el('thead', {}, el('tr', {}, el('th', { class: 'name' }, t('consumer')), el('th', { class: 'n' }, t('pending')),
      el('th', { class: 'idle' }, t('idle')))),
    el('tbody', {}, rows)));
  return card;
}

function service(id, caption, ...cards) {
  const head = el('h2', { title: id }, el('span', { class: 'kind' }, t('service')), ' ', id);
  const text = el('p', { class: 'caption' }, prose(caption));
  // A wide box (notification-service) has its caption beside its name.
  fill(document.getElementById(id), id === 'notification-service' ? el('div', { class: 'head' }, head, text) : [head, text], ...cards);
}

function drawFlow(byName) {
  const orders = byName[ORDERS];
  const payments = byName[PAYMENTS];
  service('order-service', t('orderCaption'),
    el('ul', { class: 'endpoints' }, el('li', {}, el('code', {}, 'POST /orders')), el('li', {}, el('code', {}, 'GET /order?…'))));
  streamBox(orders, ORDERS);
  service('payment-service', t('paymentCaption'), groupCard(orders, ORDERS, PAYMENT_GROUP));
  streamBox(payments, PAYMENTS);
  service('notification-service', t('notificationCaption'), el('div', { class: 'pair' },
    groupCard(orders, ORDERS, NOTIFY_GROUP, t('readsOrders')),
    groupCard(payments, PAYMENTS, NOTIFY_GROUP, t('readsPayments'))));
}

// ---- dead letters

function drawDead(streams) {
  const dead = streams.filter((s) => isDead(s.name) && s.exists);
  const panel = document.getElementById('dead');
  panel.classList.toggle('has-dead', dead.some((s) => s.length > 0));
  const items = dead.map((s) => el('div', { class: 'dlq', 'data-dlq': s.name },
    el('h3', { title: s.name }, el('code', {}, s.name)),
    el('div', { class: 'stats' }, stat(t('entries'), s.length, `${s.name}/length`, 'length dead')),
    el('ol', { class: 'reasons' }, (s.newest || []).slice(0, DEAD_SHOWN).map((e) => el('li', {},
      el('code', { class: 'id nw' }, field(e, 'orderId') || field(e, 'dlq.entryId') || e.id), ' ',
      el('span', { class: 'reason' }, prose(field(e, 'dlq.reason'))))))));
  fill(panel, el('div', { class: 'head' }, el('h2', {}, t('deadLetters')), el('p', { class: 'hint' }, prose(t('deadHint')))),
    items.length ? el('div', { class: 'dlqs' }, items) : el('p', { class: 'good' }, prose(t('noDead'))));
}

// ---- one order

let followed = params.get('order') || '';

function follow(id) {
  followed = id.trim();
  document.getElementById('order-id').value = followed;
  const url = new URL(location.href);
  if (followed) url.searchParams.set('order', followed); else url.searchParams.delete('order');
  history.replaceState(null, '', url);
  document.getElementById('clear').hidden = !followed;
  if (!followed) document.getElementById('trace').replaceChildren();
  lastTrace = '';
  refresh();
  if (followed) document.getElementById('order').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

function drawTrace(tr) {
  const box = document.getElementById('trace');
  if (tr.error) {
    fill(box, el('p', { class: 'problem' }, prose(tr.error)));
    return;
  }
  const start = tr.entries?.length ? Date.parse(tr.entries[0].time) : 0;
  const items = (tr.entries || []).map((e, i) => {
    const dead = isDead(e.stream);
    const since = i ? ` +${duration(Date.parse(e.time) - start)}` : '';
    const groups = (e.groups || []).map((d) => {
      const text = d.status === 'acked' ? t('acked')
        : d.status === 'pending' ? t('pendingAt', d.consumer, d.deliveries, duration(d.idleMs ?? 0))
          : t('notDelivered');
      return el('li', { class: `delivery ${d.status}` }, el('code', {}, d.group), ' ', prose(text));
    });
    return el('li', { class: `step ${dead ? 'dead' : ''}`, 'data-stream': e.stream },
      el('div', { class: 'when' }, clock(new Date(e.time)), el('span', { class: 'since' }, since)),
      el('div', { class: 'what' },
        el('p', {}, el('code', { class: `badge ${dead ? 'dead' : e.stream === ORDERS ? 'orders' : 'payments'}` }, e.stream), ' ',
          el('code', { class: 'id' }, e.id), dead ? el('span', { class: 'dead-label' }, ` ${t('deadLetter')}`) : null),
        el('p', { class: 'fields' }, (e.fields || []).map(([k, v]) =>
          el('span', { class: 'field', title: `${k}=${v}` }, el('span', { class: 'k' }, k), '=', el('span', { class: 'v' }, v)))),
        groups.length ? el('ul', { class: 'deliveries' }, groups) : null));
  });
  const read = (tr.scanned || []).map((s) => t('scannedOne', s.stream, s.read, s.length)).join(', ');
  fill(box,
    tr.entryId ? el('p', {}, prose(t('following', tr.entryId, tr.orderId))) : null,
    el('h3', { class: 'clip', title: tr.orderId }, 'orderId ', el('code', {}, tr.orderId)),
    tr.traceId ? el('p', { class: 'trace-id' }, t('traceId'), ' ', el('code', {}, tr.traceId)) : null,
    items.length ? el('ol', { class: 'timeline' }, items) : el('p', { class: 'empty' }, prose(t('notFound'))),
    el('p', { class: 'hint' }, prose(t('scanned', read))));
}

// ---- the page

function translate() {
  document.documentElement.lang = lang;
  document.title = t('title');
  for (const e of document.querySelectorAll('[data-t]')) fill(e, prose(t(e.dataset.t)));
  document.getElementById('order-id').placeholder = t('orderPlaceholder');
  const other = lang === 'ko' ? 'en' : 'ko';
  const url = new URL(location.href);
  url.searchParams.set('lang', other);
  const link = document.getElementById('other-lang');
  link.href = url.search;
  link.lang = other;
  link.textContent = t('otherLang');
}

function banner(text) {
  const b = document.getElementById('banner');
  b.hidden = !text;
  b.textContent = text || '';
  document.body.classList.toggle('stale', !!text);
}

let lastGood = null; // the last state Redis gave, shown dimmed while it is down
let lastState = '';
let lastTrace = '';

function drawState(state) {
  const want = urlLang || (state.lang in LABELS ? state.lang : lang);
  if (want !== lang) {
    lang = want;
    translate();
    lastState = lastTrace = '';
  }
  const where = t('where', state.redis, state.embedded ? t('embedded') : state.server || '…');
  fill(document.getElementById('where'), el('code', {}, where), ' · ',
    el('span', { id: 'updated' }, t('updated', clock(new Date(state.time)))));
  if (state.error) {
    banner(lastGood ? t('redisDown', state.error, clock(new Date(lastGood.time))) : t('redisDownNever', state.error));
    if (!lastGood) drawFlow({});
    return;
  }
  banner('');
  lastGood = state;
  // Redraw only what changed: a selection on the page survives a quiet second.
  const key = JSON.stringify([state.embedded, state.streams]);
  if (key === lastState) return;
  lastState = key;
  drawing = new Map();
  const byName = Object.fromEntries((state.streams || []).map((s) => [s.name, s]));
  drawFlow(byName);
  drawDead(state.streams || []);
  fill(document.getElementById('legend'), prose(t('legend') + (state.embedded ? ` · ${t('naEmbedded')}` : '')));
  const problems = (state.streams || []).filter((s) => s.problem && !isDead(s.name) && s.name !== ORDERS && s.name !== PAYMENTS);
  const box = document.getElementById('problems');
  box.hidden = !problems.length;
  fill(box, problems.map((s) => el('p', { class: 'problem' }, prose(problem(s)))));
  shown = drawing;
}

async function getJSON(path) {
  const res = await fetch(path, { cache: 'no-store', signal: AbortSignal.timeout(8000) });
  if (!res.ok && res.status !== 400) throw new Error(res.statusText);
  return res.json();
}

// One request at a time: refresh() while one is on its way asks for another
// right after it.
let timer = null;
let busy = false;
let again = false;

async function refresh() {
  if (busy) {
    again = true;
    return;
  }
  busy = true;
  clearTimeout(timer);
  const id = followed;
  try {
    const [state, tr] = await Promise.all([
      getJSON('api/state'),
      id ? getJSON('api/order?id=' + encodeURIComponent(id)) : null,
    ]);
    drawState(state);
    if (tr && id === followed) {
      const key = JSON.stringify(tr);
      if (key !== lastTrace) drawTrace(tr);
      lastTrace = key;
    }
  } catch (err) {
    banner(t('noServer'));
  }
  busy = false;
  timer = setTimeout(refresh, again ? 0 : EVERY_MS);
  again = false;
}

// hangulMissing reports whether no font here has Hangul, so that it shows as
// boxes: "한" then looks the same as a code point no font has.
function hangulMissing() {
  const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  if (!ctx) return false;
  ctx.font = `20px ${getComputedStyle(document.body).fontFamily}`;
  const draw = (s) => {
    ctx.clearRect(0, 0, 40, 40);
    ctx.fillText(s, 4, 28);
    return ctx.getImageData(0, 0, 40, 40).data.join();
  };
  return draw('한') === draw('\u{10FFFD}');
}

translate();
// Said in English: a page without Hangul cannot say it in Korean.
document.getElementById('font-note').hidden = !hangulMissing();
document.getElementById('search').addEventListener('submit', (ev) => {
  ev.preventDefault();
  follow(document.getElementById('order-id').value);
});
document.getElementById('clear').addEventListener('click', () => follow(''));
shortScreen.addEventListener('change', () => {
  lastState = '';
  refresh();
});
if (followed) {
  document.getElementById('order-id').value = followed;
  document.getElementById('clear').hidden = false;
}
refresh();
