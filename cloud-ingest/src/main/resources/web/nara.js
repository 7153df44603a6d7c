// Shared by every page of the web app: the language switch, the navigation bar, and calls to the API.
// Markup carries both languages side by side, <span lang="sv">Larm</span><span lang="en">Alerts</span>; nara.css shows
// the one chosen. Swedish first: it is the default, and the choice is kept in this browser.
'use strict';
const nara = (() => {
  const KEY = 'nara.lang';
  let me = null;

  function lang() { return localStorage.getItem(KEY) === 'en' ? 'en' : 'sv'; }

  function setLang(value) {
    localStorage.setItem(KEY, value === 'en' ? 'en' : 'sv');
    document.documentElement.lang = lang();
    document.dispatchEvent(new CustomEvent('nara:lang', { detail: lang() }));
  }

  // Labels every page shares, Swedish first: the protocol's severities, the outcomes a nurse records
  // (inbox.Outcome, in the order the inbox offers them) and UCUM units as a nurse writes them.
  const SEVERITY = { URGENT: ['Brådskande', 'Urgent'], WARNING: ['Varning', 'Warning'], INFO: ['Info', 'Info'] };
  const OUTCOMES = {
    NO_ACTION_NEEDED: ['Ingen åtgärd', 'No action needed'], PHONE_CALL: ['Telefonsamtal', 'Phone call'],
    HOME_VISIT: ['Hembesök', 'Home visit'], DOCTOR_CONTACTED: ['Läkare kontaktad', 'Doctor contacted'],
    MEDICATION_CHANGED: ['Läkemedel ändrat', 'Medication changed'],
    DIRECT_ADMISSION: ['Direktinläggning', 'Direct admission'],
    EMERGENCY_DEPARTMENT: ['Akutmottagning', 'Emergency department'] };
  const UNITS = { 'mm[Hg]': 'mmHg', 'Cel': '°C', '{INR}': '', 'mL/min/{1.73_m2}': 'mL/min/1,73 m²' };

  /** A UCUM unit as a nurse writes it. */
  function unit(ucum) { return ucum in UNITS ? UNITS[ucum] : (ucum ?? ''); }

  /** The text in the chosen language, for strings built in script. */
  function t(sv, en) { return lang() === 'en' ? en : sv; }

  /** An element holding both languages, for text that must follow a later switch. */
  function both(sv, en) {
    const span = document.createElement('span');
    for (const [code, text] of [['sv', sv], ['en', en]]) {
      const part = document.createElement('span');
      part.lang = code;
      part.textContent = text;
      span.append(part);
    }
    return span;
  }

  /** Text made safe for innerHTML: texts from hubs and people go into markup only through this. */
  function esc(value) {
    return String(value ?? '–').replace(/[&<>"']/g,
      c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  /** Markup holding both languages (escaped), for pages that build HTML as strings. */
  function bothHtml(sv, en) {
    return `<span lang="sv">${esc(sv)}</span><span lang="en">${esc(en)}</span>`;
  }

  /** Dates and times as the nurse reads them: Swedish local time, whatever the browser's zone. */
  function time(iso) {
    if (!iso) return '–';
    return new Date(iso).toLocaleString(lang() === 'en' ? 'en-GB' : 'sv-SE',
      { timeZone: 'Europe/Stockholm', dateStyle: 'short', timeStyle: 'short' });
  }

  /**
   * A hub's outbox storage as its last status said (level OK, THINNED, DROPPED or FULL, and what its storage policy gave
   * up since the outbox was last empty): for the fleet page and the nurse's hub page alike; '–' when the hub has not said.
   */
  function storage(level, thinned, dropped) {
    if (!level) return '–';
    const parts = [];
    if (level === 'FULL') parts.push(t('FULL', 'FULL'));
    if (thinned > 0) parts.push(t(`Gallrad: ${thinned} prov`, `Thinned: ${thinned} samples`));
    if (dropped > 0) parts.push(t(`${dropped} äldre mätvärden borttagna`, `${dropped} older readings dropped`));
    return parts.length ? parts.join(', ') : 'OK';
  }

  /** Offset of Swedish local time from UTC at the instant {@code ms}, in milliseconds. */
  function stockholmOffset(ms) {
    const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Stockholm', hourCycle: 'h23',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(ms)).map(x => [x.type, x.value]));
    return Date.UTC(+p.year, p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - Math.floor(ms / 1000) * 1000;
  }

  /**
   * The instant (ISO, UTC) of a Swedish local time as an <input type="datetime-local"> gives it ('2026-11-20T10:00'),
   * whatever the browser's zone: the reverse of time(). Null for an empty or unreadable value.
   */
  function instant(local) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local || '');
    if (!m) return null;
    const wall = Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5]);
    let at = wall - stockholmOffset(wall);
    at = wall - stockholmOffset(at); // once more, for a time near the switch to or from summer time
    return new Date(at).toISOString();
  }

  async function whoAmI() {
    const response = await fetch('/api/me');
    me = response.ok ? await response.json() : null;
    return me;
  }

  /** Calls the API; state-changing calls carry the session's CSRF token. Throws with the server's problem text. */
  async function api(method, path, body) {
    const headers = { 'Content-Type': 'application/json' };
    if (me && me.csrfToken) headers['X-CSRF-Token'] = me.csrfToken;
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = new Error((data && data.problem) || response.statusText);
      error.status = response.status;
      error.data = data;
      throw error;
    }
    return data;
  }

  const PAGES = [
    ['/', 'Larm', 'Alerts'],
    ['/worklist.html', 'Arbetslista', 'Worklist'],
    ['/unattributed.html', 'Ej tilldelade', 'Unattributed'],
    ['/enrolment.html', 'Inskrivning', 'Enrolment'],
    ['/evaluation.html', 'Uppföljning', 'Evaluation'],
    ['/access-log.html', 'Åtkomstlogg', 'Access log'],
    ['/rights.html', 'Registerutdrag', 'Register extract'],
    ['/fleet.html', 'Hubbar', 'Fleet'],
    ['/account.html', 'Mitt konto', 'My account'],
  ];

  /** Draws the navigation bar into <nav class="nara"> with the language switch. */
  function nav() {
    const bar = document.querySelector('nav.nara');
    if (!bar) return;
    bar.replaceChildren();
    // A relative has none of the staff's pages.
    for (const [href, sv, en] of (me && me.relative ? [] : PAGES)) {
      const link = document.createElement('a');
      link.href = href;
      link.append(both(sv, en));
      if (location.pathname === href || (href === '/' && location.pathname === '/index.html')) {
        link.setAttribute('aria-current', 'page');
      }
      bar.append(link);
    }
    const spacer = document.createElement('span');
    spacer.className = 'spacer';
    const who = document.createElement('span');
    who.id = 'nav-who';
    if (me) who.textContent = me.name;
    const sw = document.createElement('button');
    sw.id = 'lang-switch';
    sw.type = 'button';
    sw.append(both('English', 'Svenska'));
    sw.addEventListener('click', () => setLang(lang() === 'sv' ? 'en' : 'sv'));
    bar.append(spacer, who, sw);
  }

  document.documentElement.lang = lang();
  return { lang, setLang, t, both, bothHtml, esc, time, instant, whoAmI, api, nav, me: () => me,
    SEVERITY, OUTCOMES, unit, storage };
})();
