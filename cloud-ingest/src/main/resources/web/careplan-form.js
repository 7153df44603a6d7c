// The doctor's care-plan form on the patient page: the plan rule by rule in words, each rule's numbers as labelled
// inputs in the patient's units, the change against the plan in force (old → new per field) before saving, and the
// history as changes. patient.js loads the plan and saves it; this file turns a plan document into a form and back,
// and two plan documents into the changes between them. The document stays the protocol's (careplan.CarePlan): the
// form edits the fields everyday changes need and leaves every other field as it was, for the JSON view to change.
'use strict';
const careplanForm = (() => {
  const unit = nara.unit;
  const t = nara.t;

  /** The half of a plan text for the chosen language (nara.message); empty for no text, so a caller can fall back. */
  const half = message => (message == null ? '' : nara.message(message));
  function halves(message) {
    const text = String(message ?? '');
    const at = text.indexOf(' / ');
    return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 3)];
  }

  // Numbers as the chosen language writes them (decimal comma in Swedish); both separators are read.
  function num(value) {
    if (value == null) return '';
    const text = String(Math.round(value * 1e6) / 1e6);
    return nara.lang() === 'en' ? text : text.replace('.', ',');
  }
  function parseNum(text, integer) {
    const s = String(text).trim().replace(/\s/g, '');
    if (s === '') return { value: null };
    const pattern = integer ? /^\d+$/ : /^-?\d+([.,]\d+)?$/;
    if (!pattern.test(s)) {
      return { error: integer ? t('Skriv ett heltal, t.ex. 3.', 'Write a whole number, e.g. 3.')
        : t('Skriv ett tal, t.ex. 5,5.', 'Write a number, e.g. 5.5.') };
    }
    return { value: Number(s.replace(',', '.')) };
  }

  // Durations: the protocol writes ISO 8601 (PT4H, PT72H); the form shows a number and a unit in words.
  const SECONDS = { s: 1, min: 60, h: 3600, d: 86400 };
  const UNIT_WORDS = {
    s: [['sekund', 'sekunder'], ['second', 'seconds']], min: [['minut', 'minuter'], ['minute', 'minutes']],
    h: [['timme', 'timmar'], ['hour', 'hours']], d: [['dygn', 'dygn'], ['day', 'days']] };
  function seconds(iso) {
    if (iso == null) return null;
    const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(String(iso));
    if (!m) return null;
    return (+(m[1] || 0)) * 86400 + (+(m[2] || 0)) * 3600 + (+(m[3] || 0)) * 60 + (+(m[4] || 0));
  }
  function bestUnit(secs, units) {
    for (const u of ['d', 'h', 'min', 's']) {
      if (units.includes(u) && secs % SECONDS[u] === 0 && secs >= SECONDS[u]) return u;
    }
    return units[0];
  }
  function iso(secs) {
    if (secs % 86400 === 0) return `P${secs / 86400}D`;
    if (secs % 3600 === 0) return `PT${secs / 3600}H`;
    if (secs % 60 === 0) return `PT${secs / 60}M`;
    return `PT${secs}S`;
  }
  function durationWords(iso) {
    const secs = seconds(iso);
    if (secs == null) return iso == null ? '–' : String(iso);
    const u = bestUnit(secs, ['d', 'h', 'min', 's']);
    const n = secs / SECONDS[u];
    const [sv, en] = UNIT_WORDS[u];
    return `${num(n)} ${t(n === 1 ? sv[0] : sv[1], n === 1 ? en[0] : en[1])}`;
  }

  // What the form edits, per kind of rule. type: value (in the signal's unit), percent, count, duration, time.
  // label(signal) names the field in words; the change list reads "<label> old → new <unit>".
  const sig = (s, sv, en) => (s ? `${t(s.name.sv, s.name.en)} ${t(sv, en)}` : t(sv, en));
  const KINDS = {
    threshold: [
      { key: 'below', type: 'value', label: s => sig(s, 'under', 'below') },
      { key: 'above', type: 'value', label: s => sig(s, 'över', 'above') },
      { key: 'sustain', type: 'duration', units: ['s', 'min', 'h'],
        label: () => t('Ska ha hållit i minst', 'Must have held for at least') },
      { key: 'recoverAt', type: 'value', label: () => t('Räknas som återhämtat vid', 'Counts as recovered at') },
      { key: 'recoverFor', type: 'duration', units: ['s', 'min', 'h'],
        label: () => t('Återhämtat i minst', 'Recovered for at least') }],
    'change-over-window': [
      { key: 'rise', type: 'value', label: s => sig(s, 'ökar mer än', 'rises by more than') },
      { key: 'window', type: 'duration', units: ['h', 'd'], label: () => t('inom', 'within') }],
    'change-from-baseline': [
      { key: 'risePercent', type: 'percent', label: s => sig(s, 'över basvärdet med mer än', 'above the baseline by more than') },
      { key: 'baseline', type: 'value', label: () => t('Basvärde (tomt: patientens egna mätningar)', 'Baseline (empty: the patient\'s own readings)') },
      { key: 'baselineWindow', type: 'duration', units: ['d'], label: () => t('Basvärdet räknas över', 'Baseline taken over') }],
    repetition: [
      { key: 'below', type: 'value', label: s => sig(s, 'under', 'below') },
      { key: 'above', type: 'value', label: s => sig(s, 'över', 'above') },
      { key: 'n', type: 'count', label: () => t('i så många mätningar', 'in this many readings') },
      { key: 'of', type: 'count', label: () => t('av de senaste', 'of the last') }],
    'device-attention': [
      { key: 'failures', type: 'count', label: () => t('Misslyckade mätningar', 'Failed measurements') },
      { key: 'of', type: 'count', label: () => t('av de senaste', 'of the last') }],
    missing: [
      { key: 'by', type: 'time', label: s => sig(s, 'senast klockan', 'by') },
      { key: 'silentFor', type: 'duration', units: ['h', 'd'], label: () => t('Inga mätvärden på', 'No readings for') }],
    'hub-offline': [
      { key: 'after', type: 'duration', units: ['min', 'h'], label: () => t('Hubben offline i', 'Hub offline for') }],
    'device-battery': [
      { key: 'belowPercent', type: 'percent', integer: true, label: () => t('Batterinivå under', 'Battery below') }],
    'device-silent': [
      { key: 'silentFor', type: 'duration', units: ['h', 'd'], label: () => t('Mätare tyst i', 'Device silent for') }],
    combination: [],
  };
  const COMMON = [
    { key: 'severity', type: 'severity', label: () => t('Allvarlighetsgrad', 'Severity') },
    { key: 'escalateAfter', type: 'duration', units: ['min', 'h'],
      label: () => t('Eskaleras om ingen kvitterat efter (tomt: allvarlighetens standard)',
        'Escalates when unacknowledged after (empty: the severity\'s default)') },
  ];
  const EXPECTED = [
    { key: 'every', type: 'duration', units: ['h', 'd'], label: s => sig(s, 'mäts var', 'measured every') },
    { key: 'by', type: 'time', label: s => sig(s, 'senast klockan', 'by') },
  ];
  const kindOf = rule => rule.kind || 'threshold';
  const fieldsOf = rule => KINDS[kindOf(rule)] || [];

  function unitOf(field, signal) {
    if (field.type === 'value') return signal ? unit(signal.unit) : '';
    if (field.type === 'percent') return '%';
    return '';
  }

  /** A field's value in words with its unit, for the change list: "90 mmHg", "4 timmar", "Varning", "–". */
  function words(field, value, signal) {
    if (value == null || value === '') return t('inget', 'none');
    if (field.type === 'duration') return durationWords(value);
    if (field.type === 'severity') return nara.SEVERITY[value] ? t(...nara.SEVERITY[value]) : String(value);
    if (field.type === 'time') return String(value).slice(0, 5);
    if (field.type === 'text') return String(value);
    const u = unitOf(field, signal);
    return typeof value === 'number' ? num(value) + (u ? ` ${u}` : '') : String(value);
  }
  function same(field, a, b) {
    if (field.type === 'duration') return seconds(a) === seconds(b) && (a == null) === (b == null);
    if (field.type === 'time') return String(a ?? '').slice(0, 5) === String(b ?? '').slice(0, 5);
    return (a ?? null) === (b ?? null);
  }

  // The lists of rules a plan holds: ordinary, and those of the period after a discharge.
  function ruleLists(plan) {
    const lists = [{ path: 'rules', title: () => t('Regler', 'Rules'), rules: plan.rules || [] }];
    if (plan.postDischarge) {
      lists.push({ path: 'postDischarge.rules', title: () => t('Regler efter utskrivning', 'Rules after a discharge'),
        rules: plan.postDischarge.rules || [] });
    }
    return lists;
  }

  /**
   * The changes from plan a to plan b, in words: [{ rule, text }] where rule names the rule (its text in the chosen
   * language) and text reads "Systoliskt blodtryck under 90 → 85 mmHg". Empty when nothing changed.
   */
  function changes(a, b, signals) {
    const out = [];
    const signalOf = code => (signals || {})[code];
    const listsA = Object.fromEntries(ruleLists(a || {}).map(l => [l.path, l]));
    for (const lb of ruleLists(b || {})) {
      const la = listsA[lb.path] || { rules: [] };
      const prefix = lb.path === 'rules' ? '' : t('Efter utskrivning: ', 'After a discharge: ');
      const before = new Map(la.rules.map(r => [r.id, r]));
      for (const rb of lb.rules) {
        const ra = before.get(rb.id);
        const name = prefix + half(rb.message);
        const signal = signalOf(rb.code);
        if (!ra) { out.push({ rule: name, text: t('Ny regel', 'New rule') }); continue; }
        before.delete(rb.id);
        if (kindOf(ra) !== kindOf(rb)) { out.push({ rule: name, text: t('Annan sorts regel', 'Another kind of rule') }); continue; }
        for (const f of [...fieldsOf(rb), ...COMMON]) {
          if (!same(f, ra[f.key], rb[f.key])) {
            const u = unitOf(f, signal);
            const from = words(f, ra[f.key], signal), to = words(f, rb[f.key], signal);
            // "Systoliskt blodtryck under 90 → 85 mmHg": the unit once, after the new value, when both have one.
            const text = u && ra[f.key] != null && rb[f.key] != null
              ? `${f.label(signal)} ${num(ra[f.key])} → ${num(rb[f.key])} ${u}` : `${f.label(signal)} ${from} → ${to}`;
            out.push({ rule: name, text });
          }
        }
        if (ra.message !== rb.message) {
          out.push({ rule: name, text: `${t('Text', 'Text')}: ”${half(ra.message)}” → ”${half(rb.message)}”` });
        }
        const known = new Set(['kind', 'id', 'message', ...fieldsOf(rb).map(f => f.key), ...COMMON.map(f => f.key)]);
        const other = [...new Set([...Object.keys(ra), ...Object.keys(rb)])]
          .filter(k => !known.has(k) && JSON.stringify(ra[k]) !== JSON.stringify(rb[k]));
        if (other.length) {
          out.push({ rule: name, text: t(`Ändrat under Avancerat: ${other.join(', ')}`, `Changed under Advanced: ${other.join(', ')}`) });
        }
      }
      for (const ra of before.values()) {
        out.push({ rule: prefix + half(ra.message), text: t('Regeln borttagen', 'Rule removed') });
      }
    }
    const expA = new Map(((a || {}).expected || []).map(e => [e.code, e]));
    for (const eb of (b || {}).expected || []) {
      const signal = signalOf(eb.code);
      const name = signal ? t(signal.name.sv, signal.name.en) : eb.code;
      const ea = expA.get(eb.code);
      expA.delete(eb.code);
      if (!ea) { out.push({ rule: t('Förväntade mätningar', 'Expected measurements'), text: t(`Ny: ${name}`, `New: ${name}`) }); continue; }
      for (const f of EXPECTED) {
        if (!same(f, ea[f.key], eb[f.key])) {
          out.push({ rule: t('Förväntade mätningar', 'Expected measurements'),
            text: `${f.label(signal)} ${words(f, ea[f.key], signal)} → ${words(f, eb[f.key], signal)}` });
        }
      }
    }
    for (const ea of expA.values()) {
      const signal = signalOf(ea.code);
      out.push({ rule: t('Förväntade mätningar', 'Expected measurements'),
        text: t(`Borttagen: ${signal ? signal.name.sv : ea.code}`, `Removed: ${signal ? signal.name.en : ea.code}`) });
    }
    const pa = (a || {}).postDischarge, pb = (b || {}).postDischarge;
    const period = t('Period efter utskrivning', 'Period after a discharge');
    if (!pa !== !pb) {
      out.push({ rule: period, text: pb ? t('Tillagd', 'Added') : t('Borttagen', 'Removed') });
    } else if (pa && pb) {
      if (pa.start !== pb.start) out.push({ rule: period, text: `${t('Utskriven', 'Discharged')} ${pa.start} → ${pb.start}` });
      if (pa.days !== pb.days) out.push({ rule: period, text: `${t('Antal dagar', 'Days')} ${pa.days} → ${pb.days}` });
    }
    const va = voiceOf(a), vb = voiceOf(b);
    const voiceName = t('Hubbens röst', 'The hub\'s voice');
    if (va.on !== vb.on) out.push({ rule: voiceName, text: vb.on ? t('På', 'On') : t('Avstängd', 'Off') });
    if (va.volume !== vb.volume) out.push({ rule: voiceName, text: `${t('Volym', 'Volume')} ${va.volume} → ${vb.volume}` });
    if (va.quietHours !== vb.quietHours) {
      out.push({ rule: voiceName, text: `${t('Tyst tid', 'Quiet hours')} ${va.quietHours || t('ingen', 'none')} → `
        + `${vb.quietHours || t('ingen', 'none')}` });
    }
    for (const key of ['zone', 'staleAfter', 'weightBand']) {
      if (JSON.stringify((a || {})[key] ?? null) !== JSON.stringify((b || {})[key] ?? null)) {
        out.push({ rule: t('Övrigt', 'Other'), text: t(`Ändrat under Avancerat: ${key}`, `Changed under Advanced: ${key}`) });
      }
    }
    return out;
  }

  /** The changes as a list element; "Inga ändringar" when there are none. */
  function changeList(list) {
    const ul = document.createElement('ul');
    ul.className = 'careplan-change-list';
    if (!list.length) {
      const li = document.createElement('li');
      li.textContent = t('Inga ändringar.', 'No changes.');
      ul.append(li);
    }
    for (const c of list) {
      const li = document.createElement('li');
      const rule = document.createElement('strong');
      rule.textContent = c.rule;
      li.append(rule, ': ', c.text);
      ul.append(li);
    }
    return ul;
  }

  // The protocol's VoiceSettings.DEFAULT: what a plan without a voice section does.
  const VOICE_DEFAULT = { volume: 70, quietHours: '22:00–07:00' };
  /** A plan's voice as the hub applies it. */
  function voiceOf(plan) {
    const v = (plan || {}).voice;
    if (!v) return { on: true, volume: VOICE_DEFAULT.volume, quietHours: VOICE_DEFAULT.quietHours };
    return { on: v.on !== false, volume: v.volume ?? VOICE_DEFAULT.volume, quietHours: v.quietHours || null };
  }

  const idOf = path => 'cp-' + path.replace(/[^A-Za-z0-9]+/g, '-');

  // The protocol's refusals name the rule and the field in English ("rule weight-gain-3d: window must be between PT1H
  // and PT2160H, was PT2400H"); next to the field, the common ones read in the chosen language with durations in
  // words. Others are shown as the protocol wrote them.
  const dur = v => (seconds(v) == null ? v : durationWords(v));
  const REFUSALS = [
    [/: \S+ must be between (\S+) and (\S+), was (\S+)$/,
      m => t(`Måste vara mellan ${dur(m[1])} och ${dur(m[2])}, var ${dur(m[3])}.`,
        `Must be between ${dur(m[1])} and ${dur(m[2])}, was ${dur(m[3])}.`)],
    [/: \S+ must be a positive number, was (\S+)$/,
      m => t(`Måste vara ett tal större än noll, var ${m[1]}.`, `Must be a number above zero, was ${m[1]}.`)],
    [/: escalateAfter must be positive, was (\S+)$/,
      m => t(`Måste vara längre än noll, var ${dur(m[1])}.`, `Must be longer than zero, was ${dur(m[1])}.`)],
    [/ has neither 'below' nor 'above'$/,
      () => t('Ange en undre eller en övre gräns (eller båda).', 'Give a lower or an upper bound (or both).')],
    [/: below (\S+) is greater than above (\S+)$/,
      m => t(`Den undre gränsen ${num(+m[1])} är större än den övre ${num(+m[2])}.`,
        `The lower bound ${num(+m[1])} is above the upper ${num(+m[2])}.`)],
    [/: \S+ is missing$/, () => t('Saknas.', 'Missing.')],
    [/^voice: quiet hours must read/,
      () => t('Skriv tyst tid som TT:MM–TT:MM, t.ex. 22:00–07:00.', 'Write quiet hours as HH:MM–HH:MM, e.g. 22:00–07:00.')],
    [/^voice: quiet hours .* hold a time that does not exist$/,
      () => t('Tyst tid innehåller en tid som inte finns.', 'Quiet hours hold a time that does not exist.')],
    [/^voice: volume must be 0 to 100, was (\S+)$/,
      m => t(`Volymen ska vara 0–100, var ${m[1]}.`, `The volume must be 0–100, was ${m[1]}.`)],
  ];
  function refusalWords(message) {
    for (const [pattern, words] of REFUSALS) {
      const m = pattern.exec(message || '');
      if (m) return words(m);
    }
    return message;
  }

  /**
   * Draws the form for the plan document `draft` (edited in place) into `box`. options: { signals, readOnly,
   * onChange(), state: { errors: Map, raw: Map } } where state holds, per field path, text typed that is not yet a
   * value (its problem and the text), so a redraw keeps it and the caller refuses to save while there is any.
   * Returns { showProblems(problems) }: marks each problem next to the field it names, returns those no field took.
   */
  function render(box, draft, options) {
    const signals = options.signals || {};
    // Text that is not yet a value, kept across redraws (a language switch): field path -> message, and -> text.
    const inputErrors = options.state.errors;
    const raw = options.state.raw;
    box.replaceChildren();
    const fieldset = document.createElement('fieldset');
    fieldset.disabled = !!options.readOnly;
    const legend = document.createElement('legend');
    legend.textContent = t('Vårdplanens regler och mätningar', 'The care plan\'s rules and measurements');
    fieldset.append(legend);
    box.append(fieldset);

    function errorSlot(path) {
      const p = document.createElement('p');
      p.className = 'problem field-problem';
      p.id = idOf(path) + '-problem';
      p.dataset.problemFor = path;
      p.hidden = true;
      return p;
    }
    function setError(path, message) {
      const slot = box.querySelector(`[data-problem-for="${CSS.escape(path)}"]`);
      const input = box.querySelector(`[data-field="${CSS.escape(path)}"]`);
      if (!slot) return false;
      slot.textContent = message || '';
      slot.hidden = !message;
      if (input) {
        if (message) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
      }
      return true;
    }
    // A number in a rule's text follows its threshold: "under 90 mmHg" becomes "under 85 mmHg" when 90 becomes 85.
    // Always from the text as it was before the number changed (not keystroke by keystroke, which would also turn
    // the "3" of "3 dagar" into "3,5" on the way from 2 to 3,5); a text edited by hand becomes the new starting point.
    const follow = options.state.follow || (options.state.follow = new Map());
    function followInMessage(path, rule, oldValue, newValue) {
      if (newValue == null || typeof rule.message !== 'string') return;
      let base = follow.get(path);
      if (!base || base.written !== rule.message) {
        if (oldValue == null) return;
        base = { message: rule.message, value: oldValue };
      }
      const [sv, en] = halves(base.message);
      const swap = (text, from, to) => text.replace(
        new RegExp(`(^|[^\\d.,])${from.replace('.', '[.]')}(?![\\d]|[.,]\\d)`, 'g'), (m, lead) => lead + to);
      const svText = v => String(v).replace('.', ','), enText = v => String(v);
      const nsv = swap(sv, svText(base.value), svText(newValue));
      const nen = en ? swap(en, enText(base.value), enText(newValue)) : en;
      rule.message = nen ? `${nsv} / ${nen}` : nsv;
      base.written = rule.message;
      follow.set(path, base);
    }

    /** One labelled input for field f of object obj at path; redraws the rule's texts when a number follows. */
    function input(obj, f, path, signal, rule, onText) {
      const wrap = document.createElement('div');
      wrap.className = 'cp-field';
      const id = idOf(path);
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = f.label(signal);
      wrap.append(label);
      const row = document.createElement('div');
      row.className = 'cp-input';
      let control;
      if (f.type === 'severity') {
        control = document.createElement('select');
        for (const level of ['INFO', 'WARNING', 'URGENT']) {
          const o = document.createElement('option');
          o.value = level;
          o.textContent = t(...nara.SEVERITY[level]);
          control.append(o);
        }
        control.value = obj[f.key] || 'WARNING';
        control.addEventListener('change', () => {
          obj[f.key] = control.value;
          if (onText) onText();
          changed();
        });
        row.append(control);
      } else if (f.type === 'time') {
        control = document.createElement('input');
        control.type = 'time';
        control.value = obj[f.key] ? String(obj[f.key]).slice(0, 5) : '';
        control.addEventListener('input', () => {
          if (control.value) obj[f.key] = control.value; else delete obj[f.key];
          changed();
        });
        row.append(control);
      } else if (f.type === 'duration') {
        const secs = seconds(obj[f.key]);
        const u = secs == null ? f.units[f.units.length - 1] : bestUnit(secs, f.units);
        control = document.createElement('input');
        control.type = 'text';
        control.inputMode = 'decimal';
        control.autocomplete = 'off';
        control.size = 6;
        control.value = raw.has(path) ? raw.get(path) : secs == null ? '' : num(secs / SECONDS[u]);
        const select = document.createElement('select');
        select.id = id + '-unit';
        for (const unitKey of f.units) {
          const o = document.createElement('option');
          o.value = unitKey;
          const [sv, en] = UNIT_WORDS[unitKey];
          o.textContent = t(sv[1], en[1]);
          select.append(o);
        }
        select.value = u;
        const unitLabel = document.createElement('label');
        unitLabel.htmlFor = select.id;
        unitLabel.className = 'cp-hidden-label';
        unitLabel.textContent = t(`Enhet: ${f.label(signal)}`, `Unit: ${f.label(signal)}`);
        const update = () => {
          const parsed = parseNum(control.value, false);
          if (parsed.error || (parsed.value != null && parsed.value <= 0)) {
            raw.set(path, control.value);
            inputErrors.set(path, parsed.error || t('Skriv en tid större än noll.', 'Write a time above zero.'));
          } else {
            raw.delete(path);
            inputErrors.delete(path);
            if (parsed.value == null) delete obj[f.key];
            else obj[f.key] = iso(Math.round(parsed.value * SECONDS[select.value]));
          }
          setError(path, inputErrors.get(path));
          changed();
        };
        control.addEventListener('input', update);
        select.addEventListener('change', update);
        row.append(control, unitLabel, select);
      } else {
        control = document.createElement('input');
        control.type = 'text';
        control.inputMode = f.type === 'count' || f.integer ? 'numeric' : 'decimal';
        control.autocomplete = 'off';
        control.size = 7;
        control.value = raw.has(path) ? raw.get(path) : num(obj[f.key]);
        control.addEventListener('input', () => {
          const parsed = parseNum(control.value, f.type === 'count' || f.integer);
          if (parsed.error) {
            raw.set(path, control.value);
            inputErrors.set(path, parsed.error);
          } else {
            raw.delete(path);
            inputErrors.delete(path);
            const before = obj[f.key];
            if (parsed.value == null) delete obj[f.key]; else obj[f.key] = parsed.value;
            if (rule && ['below', 'above', 'rise', 'risePercent', 'belowPercent'].includes(f.key)) {
              followInMessage(path, rule, before, parsed.value);
              if (onText) onText();
            }
          }
          setError(path, inputErrors.get(path));
          changed();
        });
        row.append(control);
        const u = unitOf(f, signal);
        if (u) {
          const span = document.createElement('span');
          span.className = 'cp-unit';
          span.textContent = u;
          row.append(span);
        }
      }
      control.id = id;
      control.dataset.field = path;
      const slot = errorSlot(path);
      control.setAttribute('aria-describedby', slot.id);
      wrap.append(row, slot);
      return wrap;
    }

    function textInputs(rule, path, refresh) {
      const wrap = document.createElement('div');
      wrap.className = 'cp-texts';
      const [sv, en] = halves(rule.message);
      const parts = [sv, en];
      for (const [i, sv2, en2] of [[0, 'Text som visas (svenska)', 'Text shown (Swedish)'],
        [1, 'Text som visas (engelska)', 'Text shown (English)']]) {
        const field = document.createElement('div');
        field.className = 'cp-field cp-text';
        const id = idOf(path + '.message') + '-' + i;
        const label = document.createElement('label');
        label.htmlFor = id;
        label.textContent = t(sv2, en2);
        const control = document.createElement('input');
        control.type = 'text';
        control.id = id;
        control.value = parts[i];
        if (i === 0) control.dataset.field = path + '.message';
        control.addEventListener('input', () => {
          parts[i] = control.value;
          rule.message = parts[1] ? `${parts[0]} / ${parts[1]}` : parts[0];
          refresh(false);
          changed();
        });
        field.append(label, control);
        wrap.append(field);
      }
      wrap.append(errorSlot(path + '.message'));
      return wrap;
    }

    function ruleBlock(rule, path) {
      const details = document.createElement('details');
      details.className = 'cp-rule ' + (rule.severity || '');
      details.dataset.rule = rule.id;
      details.dataset.field = path;
      const summary = document.createElement('summary');
      const signal = signals[rule.code];
      const title = document.createElement('span');
      title.className = 'cp-rule-text';
      const severity = document.createElement('span');
      severity.className = 'cp-severity';
      const texts = () => {
        details.className = 'cp-rule ' + (rule.severity || '');
        title.textContent = half(rule.message) || rule.id;
        severity.textContent = nara.SEVERITY[rule.severity] ? t(...nara.SEVERITY[rule.severity]) : '';
      };
      texts();
      summary.append(title, ' ', severity);
      details.append(summary, errorSlot(path));
      const body = document.createElement('div');
      body.className = 'cp-rule-fields';
      let textBox = null;
      const redrawTexts = () => {
        texts();
        const next = textInputs(rule, path, () => texts());
        if (textBox) textBox.replaceWith(next);
        textBox = next;
      };
      for (const f of fieldsOf(rule)) body.append(input(rule, f, `${path}.${f.key}`, signal, rule, redrawTexts));
      for (const f of COMMON) {
        body.append(input(rule, f, `${path}.${f.key}`, signal, rule, () => texts()));
      }
      if (kindOf(rule) === 'combination') {
        const note = document.createElement('p');
        note.textContent = t('Villkoren för en kombinationsregel ändras under Avancerat (JSON).',
          'A combination rule\'s conditions are changed under Advanced (JSON).');
        body.append(note);
      }
      redrawTexts();
      body.append(textBox);
      details.append(body);
      return details;
    }

    for (const list of ruleLists(draft)) {
      const section = document.createElement('section');
      section.className = 'cp-rules';
      section.dataset.list = list.path;
      const h = document.createElement('h3');
      h.textContent = list.title();
      section.append(h);
      if (list.path === 'postDischarge.rules') {
        const period = document.createElement('div');
        period.className = 'cp-period';
        const pd = draft.postDischarge;
        const startId = idOf('postDischarge.start');
        const startLabel = document.createElement('label');
        startLabel.htmlFor = startId;
        startLabel.textContent = t('Utskriven (periodens första dag)', 'Discharged (the period\'s first day)');
        const start = document.createElement('input');
        start.type = 'date';
        start.id = startId;
        start.dataset.field = 'postDischarge.start';
        start.value = pd.start || '';
        start.addEventListener('input', () => { pd.start = start.value || null; changed(); });
        const startField = document.createElement('div');
        startField.className = 'cp-field';
        startField.append(startLabel, start, errorSlot('postDischarge.start'));
        period.append(startField, input(pd, { key: 'days', type: 'count', label: () => t('Periodens längd i dagar', 'The period\'s length in days') },
          'postDischarge.days', null, null, null));
        section.append(period);
      }
      list.rules.forEach((rule, i) => section.append(ruleBlock(rule, `${list.path}[${i}]`)));
      fieldset.append(section);
    }

    const expected = document.createElement('section');
    expected.className = 'cp-expected';
    const eh = document.createElement('h3');
    eh.textContent = t('Förväntade mätningar', 'Expected measurements');
    expected.append(eh);
    (draft.expected || []).forEach((e, i) => {
      const block = document.createElement('div');
      block.className = 'cp-measurement';
      block.dataset.code = e.code;
      const signal = signals[e.code];
      const name = document.createElement('h4');
      name.textContent = signal ? t(signal.name.sv, signal.name.en) : e.code;
      block.append(name);
      for (const f of EXPECTED) block.append(input(e, f, `expected[${i}].${f.key}`, signal, null, null));
      expected.append(block);
    });
    if (!(draft.expected || []).length) {
      const p = document.createElement('p');
      p.textContent = t('Vårdplanen anger inga mätningar.', 'The care plan lists no measurements.');
      expected.append(p);
    }
    fieldset.append(expected);
    fieldset.append(voiceSection());
    for (const [path, message] of inputErrors) setError(path, message);

    /**
     * The hub's voice (the plan's `voice`): on/off, volume 0–100, quiet hours in the plan's zone. A plan without the
     * section speaks by the protocol's defaults, shown here; the section is written only once something is changed.
     */
    function voiceSection() {
      const section = document.createElement('section');
      section.className = 'cp-voice';
      const h = document.createElement('h3');
      h.textContent = t('Hubbens röst', 'The hub\'s voice');
      const about = document.createElement('p');
      about.textContent = t('Hubben säger korta meningar på svenska: att en mätning är registrerad, dagens påminnelse '
        + 'och att sjuksköterskan har sett larmet. Under tyst tid säger den ingenting; lampan visar ändå.',
      'The hub says short Swedish sentences: that a measurement is registered, the daily reminder and that the '
        + 'nurse has seen the alarm. During quiet hours it says nothing; the light still shows.');
      section.append(h, about, errorSlot('voice'));
      const v = draft.voice || { on: true, volume: VOICE_DEFAULT.volume, quietHours: VOICE_DEFAULT.quietHours };
      // Capture: the section's own object is in the plan before a field's listener changes it and reports the change.
      const attach = () => { draft.voice = v; };
      section.addEventListener('input', attach, true);
      section.addEventListener('change', attach, true);

      const onField = document.createElement('div');
      onField.className = 'cp-field cp-check';
      const on = document.createElement('input');
      on.type = 'checkbox';
      on.id = idOf('voice.on');
      on.dataset.field = 'voice.on';
      on.checked = v.on !== false;
      on.addEventListener('change', () => { v.on = on.checked; changed(); });
      const onLabel = document.createElement('label');
      onLabel.htmlFor = on.id;
      onLabel.textContent = t('Hubben talar till patienten', 'The hub speaks to the patient');
      onField.append(on, onLabel, errorSlot('voice.on'));
      section.append(onField);

      section.append(input(v, { key: 'volume', type: 'count', label: () => t('Volym (0–100)', 'Volume (0–100)') },
        'voice.volume', null, null, null));

      const quietField = document.createElement('div');
      quietField.className = 'cp-field';
      const quiet = document.createElement('input');
      quiet.type = 'text';
      quiet.id = idOf('voice.quietHours');
      quiet.dataset.field = 'voice.quietHours';
      quiet.autocomplete = 'off';
      quiet.size = 12;
      quiet.value = v.quietHours || '';
      const quietLabel = document.createElement('label');
      quietLabel.htmlFor = quiet.id;
      quietLabel.textContent = t('Tyst tid (t.ex. 22:00–07:00; tomt för ingen)',
        'Quiet hours (e.g. 22:00–07:00; empty for none)');
      const quietSlot = errorSlot('voice.quietHours');
      quiet.setAttribute('aria-describedby', quietSlot.id);
      quiet.addEventListener('input', () => {
        const text = quiet.value.trim();
        if (text) v.quietHours = text; else delete v.quietHours;
        changed();
      });
      quietField.append(quietLabel, quiet, quietSlot);
      section.append(quietField);
      return section;
    }

    function changed() { if (options.onChange) options.onChange(); }

    return {
      /** Marks each problem next to the field it names (or the nearest part that has a place); the rest come back. */
      showProblems(problems) {
        for (const slot of box.querySelectorAll('[data-problem-for]')) {
          if (!inputErrors.has(slot.dataset.problemFor)) setError(slot.dataset.problemFor, '');
        }
        const rest = [];
        const byPath = new Map();
        for (const p of problems) {
          let path = p.field || '';
          while (path && !box.querySelector(`[data-problem-for="${CSS.escape(path)}"]`)) {
            const shorter = path.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
            path = shorter === path ? '' : shorter;
          }
          if (!path) { rest.push(p); continue; }
          // At its own field the refusal needs no field name; at a rule, the protocol's text names the field.
          const words = path === p.field ? refusalWords(p.message) : p.message;
          byPath.set(path, [...(byPath.get(path) || []), words]);
        }
        let first = null;
        for (const [path, messages] of byPath) {
          setError(path, messages.join(' '));
          const slot = box.querySelector(`[data-problem-for="${CSS.escape(path)}"]`);
          const rule = slot.closest('details');
          if (rule) rule.open = true;
          first = first || slot;
        }
        if (first) first.scrollIntoView({ block: 'center' });
        return rest;
      },
    };
  }

  return { render, changes, changeList, half, durationWords };
})();
