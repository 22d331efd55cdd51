/**
 * The console page served at the sandbox root: account and numbers, forms that trigger incoming
 * SMS, faxes and calls, the outbox and the event log updating live (polling the JSON API), fax PDFs
 * viewable and recordings playable. Self-contained HTML and JavaScript, no build step; every value
 * from the API is inserted as text, never as HTML.
 */
import { SANDBOX_MAGIC_NUMBERS } from './magic-numbers.js';
import { SANDBOX_FAX_NUMBER, SANDBOX_VOICE_NUMBER } from './state.js';

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d1f23}
header{background:#1f3a5f;color:#fff;padding:12px 20px;display:flex;gap:24px;align-items:baseline;flex-wrap:wrap}
header h1{font-size:18px;margin:0}
main{display:grid;grid-template-columns:minmax(320px,1fr) 2fr;gap:16px;padding:16px}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:12px 14px;margin-bottom:16px}
h2{font-size:15px;margin:0 0 8px}
form{display:grid;grid-template-columns:90px 1fr;gap:6px 8px;align-items:center}
form button{grid-column:2;justify-self:start}
input,select,textarea{font:inherit;padding:3px 6px}
table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #eceef1;padding:4px 6px;text-align:left;vertical-align:top}
code{font-size:12px}
.muted{color:#6a7280}
.st{display:inline-block;padding:0 6px;border-radius:8px;background:#eef;font-size:12px}
.params{font:12px ui-monospace,monospace;white-space:pre-wrap;word-break:break-all;margin:2px 0}
#result{min-height:1.4em}
.err{color:#b00020}
`;

const SCRIPT = `
const $ = (s) => document.querySelector(s);
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  for (const k of kids.flat()) if (k !== undefined && k !== null) e.append(k instanceof Node ? k : String(k));
  return e;
}
async function api(path, body) {
  const res = await fetch(BASE + '/api/' + path, body === undefined ? {} :
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(json.error || res.statusText);
  return json;
}
function media(url) {
  if (!url) return null;
  if (!/^https?:[/][/]/.test(url)) return String(url);
  if (/\\.mp3(\\?|$)/.test(url)) return el('audio', { controls: '', preload: 'none', src: url });
  return el('a', { href: url, target: '_blank', rel: 'noopener' }, /\\.pdf(\\?|$)/.test(url) ? 'PDF' : 'link');
}
function paramsView(params) {
  const box = el('div', { class: 'params' });
  for (const [k, v] of Object.entries(params || {})) {
    if (/_url$/.test(k)) box.append(el('div', {}, k + ': ', media(v)));
    else box.append(el('div', {}, k + '=' + v));
  }
  return box;
}
function outboxDetails(i) {
  if (i.kind === 'sms') return [el('div', {}, 'to ', i.dest, i.sender_name ? ' from ' + i.sender_name : ''), el('div', { class: 'params' }, i.msg)];
  if (i.kind === 'fax') return [el('div', {}, 'to ', i.dest, ' · ', String(i.pages), ' page(s) '), media(i.file_url)];
  if (i.kind === 'call') return [el('div', {}, i.type === 'conference' ? 'conference ' + i.room + ' → ' + i.dest2 : i.dest1 + ' → ' + i.dest2)];
  return [el('div', {}, i.session, ' ', i.direction === 'incoming' ? 'from ' + i.from + ' to ' + i.to : 'to ' + i.dest),
    el('ol', {}, (i.blocks || []).map((b) => el('li', {}, b.block, ' ', el('span', { class: 'muted' },
      Object.entries(b).filter(([k]) => k !== 'block' && k !== 'date').map(([k, v]) => k + '=' + v).join(' ')))))];
}
function renderOutbox(items) {
  const body = $('#outbox tbody');
  body.replaceChildren(...items.map((i) => el('tr', { 'data-txn-ref': i.txn_ref },
    el('td', {}, i.kind), el('td', {}, el('code', {}, i.txn_ref)), el('td', {}, el('span', { class: 'st' }, i.status)),
    el('td', { class: 'muted' }, i.date), el('td', {}, outboxDetails(i)))));
  $('#outbox-empty').hidden = items.length > 0;
}
function renderLog(log) {
  const inbound = log.inbound.map((e) => el('li', { 'data-txn-ref': e.txn_ref, 'data-kind': e.kind },
    el('b', {}, 'incoming ' + e.kind), ' ', el('code', {}, e.txn_ref), ' from ', e.from, ' to ', e.to, ' ',
    e.status ? el('span', { class: 'st' }, e.status) : null, ' ',
    e.kind === 'fax' && e.fax_pages ? e.fax_pages + ' page(s) ' : '', e.fax_error_code ? 'error ' + e.fax_error_code + ' ' : '',
    media(e.fax_url), e.msg ? el('div', { class: 'params' }, e.msg) : null, el('span', { class: 'muted' }, ' ', e.date)));
  $('#inbound').replaceChildren(...inbound);
  $('#inbound-empty').hidden = inbound.length > 0;
  const notes = log.notifications.map((n) => el('li', {},
    el('span', { class: 'st' }, n.status ? 'HTTP ' + n.status : 'failed'), ' ', el('code', {}, n.params.ivr_block || n.params.sms_status || n.params.fax_status || ''),
    ' → ', el('span', { class: 'muted' }, n.url.split('?')[0]), n.error ? el('span', { class: 'err' }, ' ', n.error) : null,
    paramsView(n.params)));
  $('#notifications').replaceChildren(...notes);
}
function renderNumbers(items) {
  $('#numbers tbody').replaceChildren(...items.map((n) => el('tr', {}, el('td', {}, el('code', {}, n.number)),
    el('td', {}, n.mode), el('td', {}, n.capabilities.join(', ')),
    el('td', { class: 'params' }, n.forward_to || '—'), el('td', { class: 'params' }, n.forward_to_sms || '—'))));
}
async function refresh() {
  try {
    const [outbox, log, account, numbers] = await Promise.all([api('outbox'), api('log'), api('account'), api('numbers')]);
    renderOutbox(outbox.items); renderLog(log); renderNumbers(numbers.items);
    $('#balance').textContent = account.currency + ' ' + account.balance;
    $('#status').textContent = 'live';
  } catch (e) { $('#status').textContent = 'disconnected'; }
}
for (const form of document.querySelectorAll('form[data-trigger]')) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries([...new FormData(form)].filter(([, v]) => v !== ''));
    const out = $('#result');
    try {
      const r = await api('trigger/' + form.dataset.trigger, body);
      out.className = ''; out.textContent = form.dataset.trigger + ' scheduled: ' + JSON.stringify(r);
    } catch (e) { out.className = 'err'; out.textContent = e.message; }
    refresh();
  });
}
$('#reset').addEventListener('click', async () => { await api('reset', {}); refresh(); });
refresh();
setInterval(refresh, 1000);
`;

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function magicRows(): string {
  return Object.entries(SANDBOX_MAGIC_NUMBERS)
    .map(([n, m]) => `<tr><td><code>${esc(n)}</code></td><td>${esc(m.description)}</td></tr>`)
    .join('');
}

/** The console page for a sandbox mounted at `basePath` (`''` alone, `'/sandbox'` embedded). */
export function renderConsolePage(basePath: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hoiio sandbox</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head>
<body>
<header><h1>Hoiio sandbox</h1>
<span>API <code>${esc(basePath)}/open/</code> · app id <code>sandbox</code> · token <code>sandbox</code></span>
<span>Balance <b id="balance">…</b></span><span id="status" class="muted">connecting</span>
<button id="reset" type="button">Reset</button></header>
<main><div>
<section><h2>Incoming SMS</h2><form id="trigger-sms" data-trigger="sms">
<label for="sms-from">From</label><input id="sms-from" name="from" value="+6598765432" required>
<label for="sms-to">To</label><input id="sms-to" name="to" value="${SANDBOX_VOICE_NUMBER}">
<label for="sms-msg">Message</label><textarea id="sms-msg" name="msg" rows="2" required>Hello from the sandbox</textarea>
<button type="submit">Send SMS</button></form></section>
<section><h2>Incoming fax</h2><form id="trigger-fax" data-trigger="fax">
<label for="fax-from">From</label><input id="fax-from" name="from" value="+6562000001" required>
<label for="fax-to">To</label><input id="fax-to" name="to" value="${SANDBOX_FAX_NUMBER}">
<label for="fax-pages">Pages</label><input id="fax-pages" name="pages" type="number" min="1" max="100" value="2">
<label for="fax-fail">Failure</label><select id="fax-fail" name="fail"><option value="">none</option>
<option>busy</option><option>non_recoverable</option><option>cannot_establish_transmission</option>
<option>invalid_res</option><option>invalid_size</option></select>
<button type="submit">Send fax</button></form></section>
<section><h2>Incoming call</h2><form id="trigger-call" data-trigger="call">
<label for="call-from">From</label><input id="call-from" name="from" value="+6598765432" required>
<label for="call-to">To</label><input id="call-to" name="to" value="${SANDBOX_VOICE_NUMBER}">
<label for="call-outcome">Caller</label><select id="call-outcome" name="outcome">
<option value="answer">stays; transfer answered</option><option value="voicemail">leaves a voicemail</option>
<option value="hangup">hangs up early</option></select>
<label for="call-digits">Digits</label><input id="call-digits" name="digits" placeholder="1,23# (one entry per Gather)">
<label for="call-seconds">Seconds</label><input id="call-seconds" name="seconds" type="number" min="1" max="3600" placeholder="voicemail or talk length">
<button type="submit">Call</button></form></section>
<p id="result" role="status"></p>
<section><h2>Numbers</h2><table id="numbers"><thead><tr><th>Number</th><th>Mode</th><th>Can</th><th>forward_to</th><th>forward_to_sms</th></tr></thead><tbody></tbody></table></section>
<section><h2>Magic destination numbers</h2><table id="magic"><tbody>${magicRows()}</tbody></table>
<p class="muted">Notify URLs on hosts ending <code>.invalid</code> fail to resolve; https hosts ending <code>.badtls.test</code> fail TLS.</p></section>
</div><div>
<section><h2>Outbox</h2><p id="outbox-empty" class="muted">Nothing sent yet.</p>
<table id="outbox"><thead><tr><th>Kind</th><th>txn_ref</th><th>Status</th><th>Date (GMT+8)</th><th>Details</th></tr></thead><tbody></tbody></table></section>
<section><h2>Log</h2><p id="inbound-empty" class="muted">No inbound event yet.</p><ul id="inbound"></ul>
<h2>Notifications sent</h2><ul id="notifications"></ul></section>
</div></main>
<script>const BASE = ${JSON.stringify(basePath).replace(/</g, '\\u003c')};${SCRIPT}</script>
</body></html>`;
}
