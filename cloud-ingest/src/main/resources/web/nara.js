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
    retitle();
    const bar = document.querySelector('nav.nara[aria-label]');
    if (bar) bar.setAttribute('aria-label', t('Sidor', 'Pages'));
    document.dispatchEvent(new CustomEvent('nara:lang', { detail: lang() }));
  }

  // What the page is about beyond its name (the patient on the patient page), for the tab's title.
  let subject = null;

  /**
   * Names the tab "<subject> – <page> – Nära" in the chosen language, so a screen reader and a row of tabs both say
   * where one is: the page is named by <body data-title="Svenska / English"> or else by its <h1> in that language.
   */
  function retitle() {
    const named = document.body && document.body.dataset.title;
    const h1 = document.querySelector('h1');
    const part = h1 && (h1.querySelector(`[lang="${lang()}"]`) || h1);
    const page = named ? message(named) : (part ? part.textContent.trim() : '');
    document.title = [subject, page, 'Nära'].filter(x => x).join(' – ');
  }

  /** Sets what the page is about (a patient's name) for its title; null for none. */
  function title(about) {
    subject = about || null;
    retitle();
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
  // UCUM as a nurse writes it: µ, not u; no brackets; words where the code is one. [Swedish, English].
  const UNITS = { 'mm[Hg]': ['mmHg', 'mmHg'], 'Cel': ['°C', '°C'], '[degF]': ['°F', '°F'], '{INR}': ['', ''],
    'umol/L': ['µmol/L', 'µmol/L'], 'mL/min/{1.73_m2}': ['mL/min/1,73 m²', 'mL/min/1.73 m²'],
    '{beats}/min': ['slag/min', 'beats/min'], '/min': ['/min', '/min'], '1/min': ['/min', '/min'],
    '{breaths}/min': ['andetag/min', 'breaths/min'], 'd': ['dygn', 'days'] };
  // An alert's status (inbox.AlertState): "OPEN" is an alert nobody has taken yet.
  const STATUS = { OPEN: ['Ej taget', 'Open'], ACKNOWLEDGED: ['Kvitterat', 'Acknowledged'],
    RESOLVED: ['Avslutat', 'Resolved'] };
  // The kind of an organisation (org.OrganisationKind), as a team's principal is named.
  const KINDS = { MUNICIPALITY: ['Kommun', 'Municipality'], REGION: ['Region', 'Region'],
    PRIVATE: ['Privat vårdgivare', 'Private provider'] };

  /** A UCUM unit as a nurse writes it, in the chosen language. */
  function unit(ucum) {
    if (ucum == null) return '';
    // Any µ-prefixed unit, also one not in the table ("umol/mol").
    return ucum in UNITS ? t(...UNITS[ucum]) : ucum.replace(/^u(?=(mol|g|L)\b)/, 'µ');
  }

  /**
   * A number as the chosen language writes it: a decimal comma in Swedish. {@code digits} fixes the decimals; without
   * it up to two are shown. Null, NaN and infinities (a failed measurement) are '–', never a number.
   */
  function number(value, digits) {
    if (value === null || value === undefined || value === '' || !Number.isFinite(Number(value))) return '–';
    const fixed = digits === undefined ? { maximumFractionDigits: 2 }
      : { minimumFractionDigits: digits, maximumFractionDigits: digits };
    return Number(value).toLocaleString(lang() === 'en' ? 'en-GB' : 'sv-SE', { useGrouping: false, ...fixed })
      .replace('\u2212', '-');
  }

  /** The link a phone dials for a number as people write it ("070-123 45 67" → tel:0701234567). */
  function telHref(phone) { return 'tel:' + String(phone).replace(/[^+0-9]/g, ''); }

  /** A value with its unit, both as the chosen language writes them ("92,5 µmol/L"). */
  function quantity(value, ucum, digits) {
    // A symptom (vocabulary.Vocabulary.PRESENCE) is there or not; "1 {presence}" would mean nothing to anybody.
    if (ucum === '{presence}' && (Number(value) === 1 || Number(value) === 0)) {
      return Number(value) === 1 ? t('Ja', 'Yes') : t('Nej', 'No');
    }
    const u = unit(ucum);
    return number(value, digits) + (u ? ' ' + u : '');
  }

  /**
   * One language of a text that holds both, "Svensk text / English text" (the convention of care-plan messages, see
   * protocol/README.md): the Swedish half, or in English the English half. A text without " / " is shown as it is.
   */
  function message(text) {
    if (text == null) return '–';
    const at = String(text).indexOf(' / ');
    if (at < 0) return String(text);
    return lang() === 'en' ? String(text).slice(at + 3) : String(text).slice(0, at);
  }

  /** An alert's status in words, following a later switch; an unknown one as it is. */
  function status(state) { return STATUS[state] ? both(...STATUS[state]) : document.createTextNode(state ?? '–'); }

  /** ... as markup, for pages that build HTML as strings. */
  function statusHtml(state) { return STATUS[state] ? bothHtml(...STATUS[state]) : esc(state); }

  /** The kind of an organisation in words ("Kommun"), as markup. */
  function kindHtml(kind) { return KINDS[kind] ? bothHtml(...KINDS[kind]) : esc(kind); }

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
    bar.setAttribute('aria-label', t('Sidor', 'Pages'));
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
    retitle();
  }

  document.documentElement.lang = lang();
  if (document.body) retitle();
  return { lang, setLang, t, both, bothHtml, esc, time, instant, whoAmI, api, nav, me: () => me,
    SEVERITY, OUTCOMES, STATUS, KINDS, unit, number, quantity, telHref, message, status, statusHtml, kindHtml, title, storage };
})();
