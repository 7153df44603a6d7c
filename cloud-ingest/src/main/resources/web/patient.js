// The patient page: /patient.html?id=<patientId>. Status (open alerts, adherence, devices), one trend chart per
// signal with the care plan's thresholds and the alerts on its timeline, and the care plan with its history; a doctor
// of a caring team edits it. Hospital stays (entered here, readmissions within 30 days marked) and the relatives'
// consents, which the patient's nurse records. Uses nara.js (language, API, navigation) and chart.js (the SVG).
'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const patientId = new URLSearchParams(location.search).get('id');
  const enc = encodeURIComponent(patientId || '');
  let overview = null, trends = null, range = '30d', plan = null, stays = null, relatives = null;

  // The server names each signal from the protocol's vocabulary, in both languages.
  const signalName = named => nara.both(named.name.sv, named.name.en);
  const unit = nara.unit;
  function cell(content) {
    const td = document.createElement('td');
    if (content instanceof Node) td.append(content); else td.textContent = content ?? '–';
    return td;
  }
  function show(id, text) { $(id).hidden = !text; $(id).textContent = text || ''; }

  async function start() {
    await nara.whoAmI();
    nara.nav();
    if (!nara.me()) { $('signin-needed').hidden = false; return; }
    if (!patientId) { show('page-problem', nara.t('Ingen patient angiven (?id=)', 'No patient given (?id=)')); return; }
    try {
      overview = await nara.api('GET', `/api/patients/${enc}/overview`);
    } catch (e) {
      show('page-problem', e.status === 404 ? nara.t('Ingen sådan patient, eller ingen vårdrelation med den.',
        'No such patient, or no care relation with them.') : e.message);
      return;
    }
    $('patient').hidden = false;
    renderOverview();
    for (const b of document.querySelectorAll('#range button')) {
      b.addEventListener('click', () => { range = b.dataset.range; loadTrends(); });
    }
    $('range').querySelector('[data-range="discharge"]').disabled = !overview.dischargedOn;
    if (overview.dischargedOn) range = 'discharge';
    document.addEventListener('nara:lang', () => {
      renderOverview(); renderTrends(); renderPlan(false); renderStays(); renderRelatives();
    });
    // The operator sees but records nothing: no forms for the operator key.
    $('stay-form').hidden = !!nara.me().operator;
    await Promise.all([loadTrends(), loadPlan(), loadStays(), loadRelatives()]);
  }

  function renderOverview() {
    const o = overview;
    $('patient-name').textContent = o.name;
    nara.title(o.name);
    $('patient-id').textContent = o.patientId;
    const discharge = $('discharge');
    discharge.hidden = !o.dischargedOn;
    if (o.dischargedOn) {
      // The day of the period is the server's (the worklist's count, in the plan's zone), never browser arithmetic.
      discharge.textContent = nara.t(`Utskriven ${o.dischargedOn}, dag ${o.day} av ${o.periodDays}`,
        `Discharged ${o.dischargedOn}, day ${o.day} of ${o.periodDays}`);
    }
    const alerts = $('open-alerts');
    alerts.replaceChildren();
    for (const a of o.openAlerts) {
      const tr = document.createElement('tr');
      tr.className = a.severity;
      tr.dataset.alertId = a.alertId;
      const value = a.value == null ? '–' : `${a.value} ${unit(a.unit)}`;
      [nara.both(...nara.SEVERITY[a.severity]), a.message, value, nara.time(a.raisedAt),
        a.state === 'ACKNOWLEDGED' ? a.ownerName : nara.both('Ej tagen', 'Unowned')].forEach(c => tr.append(cell(c)));
      alerts.append(tr);
    }
    $('no-open-alerts').hidden = o.openAlerts.length > 0;
    const adherence = $('adherence');
    adherence.replaceChildren();
    for (const a of o.adherence) {
      const tr = document.createElement('tr');
      tr.dataset.code = a.code;
      const taken = cell(String(a.taken));
      if (a.taken < a.expected) taken.className = 'low';
      tr.append(cell(signalName(a)), cell(String(a.expected)), taken);
      adherence.append(tr);
    }
    if (!o.adherence.length) {
      const tr = document.createElement('tr');
      tr.append(cell(nara.both('Vårdplanen anger inga mätningar.', 'The care plan lists no measurements.')));
      adherence.append(tr);
    }
    $('hub').textContent = o.hub ? `${nara.t('Hubb', 'Hub')} ${o.hub.hubId}: ${o.hub.state || '–'}, `
      + `${nara.t('senast hörd', 'last heard')} ${nara.time(o.hub.lastSeenAt)}` : nara.t('Ingen hubb', 'No hub');
    const devices = $('devices');
    devices.replaceChildren();
    for (const d of o.devices) {
      const tr = document.createElement('tr');
      tr.dataset.deviceId = d.deviceId;
      const battery = cell(d.batteryPercent == null ? '–' : `${d.batteryPercent} %`);
      if (d.batteryPercent != null && d.batteryPercent <= 15) battery.className = 'low';
      tr.append(cell(d.model ? `${d.deviceId} (${d.model})` : d.deviceId), battery, cell(nara.time(d.lastReadingAt)));
      devices.append(tr);
    }
  }

  async function loadTrends() {
    for (const b of document.querySelectorAll('#range button')) {
      b.setAttribute('aria-pressed', String(b.dataset.range === range));
    }
    try {
      trends = await nara.api('GET', `/api/patients/${enc}/trends?range=${range}`);
      show('trends-problem', '');
    } catch (e) {
      show('trends-problem', e.message);
      return;
    }
    renderTrends();
  }

  function renderTrends() {
    if (!trends) return;
    const charts = $('charts');
    charts.replaceChildren();
    const events = overview.dischargeStart ? [{ label: nara.t('Utskriven', 'Discharged'), at: overview.dischargeStart }] : [];
    charts.dataset.range = trends.range;
    for (const signal of trends.signals) {
      const figure = document.createElement('figure');
      figure.className = 'trend';
      figure.dataset.code = signal.code;
      const caption = document.createElement('figcaption');
      caption.append(signalName(signal), ` (${unit(signal.unit)})`);
      // The chosen point's reading in words, beside the chart: visible, and read out by a screen reader.
      const reading = document.createElement('p');
      reading.className = 'chart-reading';
      reading.setAttribute('role', 'status');
      reading.textContent = nara.t('Klicka eller tabba till en punkt eller ett larm för att se värdet.',
        'Click or tab to a point or an alert to see its value.');
      figure.append(caption, naraChart.draw({ ...signal, unit: unit(signal.unit) }, trends,
        trends.marks.filter(m => m.code === signal.code), events, reading), reading);
      charts.append(figure);
    }
  }

  async function loadPlan() {
    try {
      const [current, history] = await Promise.all([
        nara.api('GET', `/api/patients/${enc}/careplan`),
        nara.api('GET', `/api/patients/${enc}/careplan/history`)]);
      plan = { current, history };
      show('careplan-problem', '');
    } catch (e) {
      plan = null;
      show('careplan-problem', e.status === 404 ? nara.t('Ingen vårdplan att visa.', 'No care plan to show.')
        : nara.t(`Vårdplanen kunde inte läsas: ${e.message}`, `The care plan could not be read: ${e.message}`));
    }
    renderPlan(true);
  }

  // The care plan: careplan-form.js draws the form over a draft (a copy of the plan in force); the JSON view under
  // "Avancerat" edits the same draft. Saving sends the draft with its reason.
  let draft = null, formView = null;
  const formState = { errors: new Map(), raw: new Map() };
  const mayEdit = () => !!(overview && overview.mayEditCarePlan && plan);
  const advancedOpen = () => $('careplan-advanced').open && mayEdit();

  function renderPlan(fresh) {
    $('careplan-edit').hidden = !mayEdit();
    $('careplan-howto').hidden = !mayEdit();
    $('careplan-who').hidden = !plan || mayEdit();
    $('careplan-advanced-edit').hidden = !mayEdit();
    $('careplan-editor').readOnly = !mayEdit();
    // The record keeper's page: shown to a MAS of a caring team (the server decides again on every call).
    $('rights').hidden = !(overview && overview.roles && overview.roles.includes('MAS'));
    if (overview) $('rights-link').href = '/rights.html?id=' + encodeURIComponent(overview.patientId);
    $('careplan-advanced').hidden = !plan;
    if (!plan) { $('careplan-form').replaceChildren(); return; }
    const c = plan.current;
    const who = c.changedByName || c.changedBy;
    $('careplan-current').textContent = nara.t(`Version ${c.version}, ändrad ${nara.time(c.changedAt)} av ${who}`,
      `Version ${c.version}, changed ${nara.time(c.changedAt)} by ${who}`);
    if (fresh || !draft) {
      draft = JSON.parse(JSON.stringify(c.plan));
      formState.errors.clear();
      formState.raw.clear();
      formState.follow = new Map();
      $('careplan-editor').value = JSON.stringify(draft, null, 2);
      $('careplan-json-problem').hidden = true;
    }
    drawForm();
    renderHistory();
  }

  function drawForm() {
    formView = careplanForm.render($('careplan-form'), draft, {
      signals: plan.current.signals, readOnly: !mayEdit(), state: formState, onChange: draftChanged });
    renderChanges();
  }

  function draftChanged() {
    if (advancedOpen()) $('careplan-editor').value = JSON.stringify(draft, null, 2);
    $('careplan-saved').hidden = true;
    renderChanges();
  }

  /** The change against the plan in force, field by field, before it is saved. */
  function renderChanges() {
    if (!plan || !mayEdit()) return;
    $('careplan-changes-title').textContent = nara.t(`Ändringar mot planen som gäller (version ${plan.current.version})`,
      `Changes against the plan in force (version ${plan.current.version})`);
    $('careplan-changes-list').replaceChildren(
      careplanForm.changeList(careplanForm.changes(plan.current.plan, draft, plan.current.signals)));
  }

  // Enter in a field must not send the page away: saving is the button's, with its reason.
  $('careplan-form').addEventListener('submit', event => event.preventDefault());

  // The JSON view follows the draft when opened, and the draft follows valid JSON typed there.
  $('careplan-advanced').addEventListener('toggle', () => {
    if ($('careplan-advanced').open && draft) $('careplan-editor').value = JSON.stringify(draft, null, 2);
  });
  $('careplan-editor').addEventListener('input', () => {
    if (!mayEdit() || !readJson()) return;
    formState.errors.clear();
    formState.raw.clear();
    formState.follow = new Map();
    drawForm();
  });

  /** The JSON view's text as the draft; false (and the problem shown under it) when it is not JSON. */
  function readJson() {
    try {
      draft = JSON.parse($('careplan-editor').value);
      $('careplan-json-problem').hidden = true;
      return true;
    } catch (e) {
      $('careplan-json-problem').textContent = nara.t(`Ogiltig JSON: ${e.message}`, `Invalid JSON: ${e.message}`);
      $('careplan-json-problem').hidden = false;
      return false;
    }
  }

  /** The history as changes: per version who, when, why, and what changed against the version before, in words. */
  function renderHistory() {
    const list = $('careplan-history');
    list.replaceChildren();
    const versions = plan.history.slice().sort((a, b) => a.version - b.version);
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i];
      const li = document.createElement('li');
      li.dataset.version = v.version;
      const head = document.createElement('p');
      const who = v.changedByName || v.changedBy;
      const strong = document.createElement('strong');
      strong.textContent = nara.t(`Version ${v.version}`, `Version ${v.version}`);
      head.append(strong, ` – ${nara.time(v.changedAt)}, ${who}`);
      const reason = document.createElement('p');
      reason.className = 'cp-reason';
      // A reason the system wrote holds both languages ("inskrivning: … / enrolment: …"): the chosen half.
      const why = careplanForm.half(v.reason);
      reason.textContent = v.reason ? nara.t(`Skäl: ${why}`, `Reason: ${why}`)
        : nara.t('Inget skäl angivet.', 'No reason given.');
      li.append(head, reason);
      if (i > 0) {
        li.append(careplanForm.changeList(careplanForm.changes(versions[i - 1].plan, v.plan, plan.current.signals)));
      } else {
        const first = document.createElement('p');
        first.textContent = nara.t('Första versionen av planen.', 'The first version of the plan.');
        li.append(first);
      }
      list.append(li);
    }
  }

  /** Each problem next to the field it names; those no field takes in the list under the buttons. */
  function problems(list) {
    const fields = list.filter(p => p.field !== 'reason');
    const taken = formView ? formView.showProblems(fields) : fields;
    // Someone editing the JSON reads each problem with its place in the document too.
    const rest = advancedOpen() ? fields : taken;
    const reason = list.find(p => p.field === 'reason');
    $('careplan-reason-problem').textContent = reason ? reason.message : '';
    $('careplan-reason-problem').hidden = !reason;
    const ul = $('careplan-problems');
    ul.replaceChildren();
    for (const p of rest) {
      const li = document.createElement('li');
      if (p.field) {
        const field = document.createElement('code');
        field.textContent = p.field;
        li.append(field, ': ');
      }
      li.append(p.message);
      ul.append(li);
    }
    $('careplan-feedback').hidden = rest.length === 0;
    if (rest.length) $('careplan-feedback').scrollIntoView({ block: 'nearest' });
  }

  /** The draft to send, or null (and why shown) when a field's text is not a value or the JSON view is not JSON. */
  function planToSend() {
    if (advancedOpen() && !readJson()) {
      problems([{ field: null, message: $('careplan-json-problem').textContent }]);
      return null;
    }
    if (formState.errors.size) {
      problems([...formState.errors].map(([field, message]) => ({ field, message })));
      return null;
    }
    return draft;
  }

  $('careplan-undo').addEventListener('click', () => {
    problems([]);
    renderPlan(true);
  });

  $('careplan-save').addEventListener('click', async () => {
    $('careplan-saved').hidden = true;
    const edited = planToSend();
    if (!edited) return;
    const reason = $('careplan-reason').value.trim();
    if (!reason) {
      problems([{ field: 'reason', message: nara.t('Skriv varför planen ändras: skälet krävs och visas i historiken.',
        'Say why the plan changes: the reason is required and shown in the history.') }]);
      $('careplan-reason').setAttribute('aria-invalid', 'true');
      $('careplan-reason').focus();
      return;
    }
    $('careplan-reason').removeAttribute('aria-invalid');
    try {
      const saved = await nara.api('PUT', `/api/patients/${enc}/careplan`,
        { basedOnVersion: plan.current.version, plan: edited, reason });
      problems([]);
      $('careplan-reason').value = '';
      await loadPlan();
      show('careplan-saved', nara.t(`Sparad som version ${saved.version}.`, `Saved as version ${saved.version}.`));
      await loadTrends();
    } catch (e) {
      if (e.status === 400) {
        const data = e.data || {};
        problems(data.problems && data.problems.length ? data.problems : [{ field: null, message: e.message }]);
      } else if (e.status === 409) {
        problems([{ field: null, message: nara.t(
          'Någon annan har sparat en nyare version. Ladda om sidan, se över ändringen och spara igen.',
          'Someone else saved a newer version. Reload the page, review the change and save again.') }]);
      } else if (e.status === 403) {
        problems([{ field: null, message: nara.t('Bara läkare i ett vårdande team får ändra vårdplanen.',
          'Only a doctor of a caring team may change the care plan.') }]);
      } else {
        problems([{ field: null, message: e.message }]);
      }
    }
  });

  /** Before saving: what the edited plan would have raised over the last 30 and 90 days, against the plan in force. */
  $('careplan-whatif').addEventListener('click', async () => {
    $('careplan-whatif-result').hidden = true;
    const edited = planToSend();
    if (!edited) return;
    try {
      const answer = await nara.api('POST', `/api/patients/${enc}/careplan/what-if`, { plan: edited });
      problems([]);
      renderWhatIf(answer);
    } catch (e) {
      const data = e.data || {};
      problems(e.status === 400 && data.problems && data.problems.length ? data.problems
        : [{ field: null, message: e.message }]);
    }
  });

  /** A rule by its text (the draft's, else the plan in force's), as the form names it; its id only if neither has it. */
  function ruleName(id) {
    const rules = p => [...((p && p.rules) || []), ...((p && p.postDischarge && p.postDischarge.rules) || [])];
    const rule = [...rules(draft), ...rules(plan && plan.current.plan)].find(r => r && r.id === id);
    if (!rule) return id;
    return nara.both(careplanForm.half(rule.message, 'sv'), careplanForm.half(rule.message, 'en'));
  }

  function renderWhatIf(answer) {
    const box = $('careplan-whatif-windows');
    box.replaceChildren();
    for (const w of answer.windows) {
      const section = document.createElement('section');
      section.className = 'whatif-window';
      section.dataset.days = w.days;
      const h = document.createElement('h4');
      h.append(nara.both(`Senaste ${w.days} dagarna (${w.readings} mätvärden)`, `Last ${w.days} days (${w.readings} readings)`));
      const table = document.createElement('table');
      const head = table.createTHead().insertRow();
      for (const [sv, en] of [['Regel', 'Rule'], ['Allvarlighet', 'Severity'],
        [`Larm nu (v${w.current.version})`, `Alerts now (v${w.current.version})`],
        ['Larm med ändringen', 'Alerts with the change'], ['Episoder nu', 'Episodes now'],
        ['Episoder med ändringen', 'Episodes with the change']]) {
        const th = document.createElement('th');
        th.append(nara.both(sv, en));
        head.append(th);
      }
      const rows = new Map();
      const key = r => `${r.ruleId}|${r.severity}`;
      for (const r of w.current.perRule) rows.set(key(r), { ruleId: r.ruleId, severity: r.severity, now: r, changed: null });
      for (const r of w.proposed.perRule) {
        const row = rows.get(key(r)) || { ruleId: r.ruleId, severity: r.severity, now: null, changed: null };
        row.changed = r;
        rows.set(key(r), row);
      }
      const body = table.createTBody();
      const add = (cells, rule, cls) => {
        const tr = body.insertRow();
        if (rule) tr.dataset.rule = rule;
        cells.forEach((c, i) => {
          const td = tr.insertCell();
          td.append(c);
          if (cls && (i === 3 || i === 5)) td.className = cls;
        });
      };
      for (const row of rows.values()) {
        const a = row.now ? row.now.alerts : 0;
        const b = row.changed ? row.changed.alerts : 0;
        add([ruleName(row.ruleId), nara.both(...nara.SEVERITY[row.severity]), String(a), String(b),
          String(row.now ? row.now.episodes : 0), String(row.changed ? row.changed.episodes : 0)],
          `${row.ruleId}/${row.severity}`, b > a ? 'more' : b < a ? 'fewer' : '');
      }
      if (rows.size === 0) add([nara.both('Inga larm', 'No alerts'), '', '0', '0', '0', '0'], null, '');
      const total = w.proposed.alerts > w.current.alerts ? 'more' : w.proposed.alerts < w.current.alerts ? 'fewer' : '';
      add([nara.both('Totalt', 'Total'), '', String(w.current.alerts), String(w.proposed.alerts),
        String(w.current.episodes), String(w.proposed.episodes)], 'total', total);
      section.append(h, table);
      box.append(section);
    }
    $('careplan-whatif-result').hidden = false;
  }

  /** The server's problem in the chosen language: a stay's 400 carries both, other answers one "sv / en" text. */
  function problemOf(e) {
    return e.data && e.data.sv ? nara.both(e.data.sv, e.data.en) : document.createTextNode(e.message);
  }
  function showProblem(id, sv, en, e) {
    $(id).replaceChildren(nara.both(sv, en), ': ', problemOf(e));
    $(id).hidden = false;
  }
  function clearProblem(id) { $(id).replaceChildren(); $(id).hidden = true; }

  async function loadStays() {
    try {
      stays = await nara.api('GET', `/api/patients/${enc}/admissions`);
      clearProblem('stays-problem');
    } catch (e) {
      stays = null;
      showProblem('stays-problem', 'Vårdtillfällena kunde inte läsas', 'The hospital stays could not be read', e);
    }
    renderStays();
  }

  function renderStays() {
    const list = $('stays-list');
    list.replaceChildren();
    if (!stays) return;
    $('no-stays').hidden = stays.length > 0;
    for (const s of stays) {
      const tr = document.createElement('tr');
      tr.dataset.stayId = s.id;
      const admitted = cell(nara.time(s.admittedAt));
      if (s.readmission) {
        tr.classList.add('readmission');
        const mark = document.createElement('div');
        mark.className = 'badge readmission';
        mark.append(nara.both(`Återinskriven inom 30 dagar (${s.readmission.days} d efter utskrivning)`,
          `Readmitted within 30 days (${s.readmission.days} d after discharge)`));
        admitted.append(mark);
      }
      const discharged = cell(s.dischargedAt ? nara.time(s.dischargedAt) : nara.both('Pågår', 'Ongoing'));
      if (!s.dischargedAt && !nara.me().operator) discharged.append(dischargeForm(s));
      const name = (id, n) => n || id;
      const by = s.dischargeRecordedBy
        ? `${name(s.recordedBy, s.recordedByName)}; ${nara.t('utskrivning', 'discharge')}: `
          + `${name(s.dischargeRecordedBy, s.dischargeRecordedByName)} ${nara.time(s.dischargeRecordedAt)}`
        : name(s.recordedBy, s.recordedByName);
      tr.append(admitted, discharged, cell(s.reason), cell(by));
      list.append(tr);
    }
  }

  /** Entering the discharge of a stay still going on: PUT sets it once, with who and when. */
  function dischargeForm(stay) {
    const form = document.createElement('form');
    form.className = 'discharge';
    form.noValidate = true;
    const input = document.createElement('input');
    input.type = 'datetime-local';
    input.className = 'discharge-at';
    input.setAttribute('aria-label', nara.t('Utskriven', 'Discharged'));
    const save = document.createElement('button');
    save.type = 'submit';
    save.className = 'discharge-save';
    save.append(nara.both('Registrera utskrivning', 'Enter the discharge'));
    form.append(input, save);
    form.addEventListener('submit', async event => {
      event.preventDefault();
      try {
        await nara.api('PUT', `/api/patients/${enc}/admissions/${stay.id}`,
          { dischargedAt: nara.instant(input.value) });
        clearProblem('stay-feedback');
        await loadStays();
      } catch (e) {
        showProblem('stay-feedback', 'Utskrivningen sparades inte', 'The discharge was not saved', e);
        if (e.status === 409 || e.status === 404) await loadStays();
      }
    });
    return form;
  }

  $('stay-form').addEventListener('submit', async event => {
    event.preventDefault();
    const body = { admittedAt: nara.instant($('stay-admitted').value), reason: $('stay-reason').value };
    const discharged = nara.instant($('stay-discharged').value);
    if (discharged) body.dischargedAt = discharged;
    try {
      await nara.api('POST', `/api/patients/${enc}/admissions`, body);
      clearProblem('stay-feedback');
      $('stay-form').reset();
      await loadStays();
    } catch (e) {
      showProblem('stay-feedback', 'Vårdtillfället sparades inte', 'The hospital stay was not saved', e);
    }
  });

  const SCOPES = [['NOTIFY', 'underrättas om larm', 'told of alerts'], ['VIEW', 'ser mätvärden', 'views readings'],
    ['ALARM', 'får larma vården', 'may raise the alarm']];

  async function loadRelatives() {
    try {
      relatives = await nara.api('GET', `/api/patients/${enc}/relatives`);
      clearProblem('relatives-problem');
    } catch (e) {
      relatives = null;
      showProblem('relatives-problem', 'De anhöriga kunde inte läsas', 'The relatives could not be read', e);
    }
    renderRelatives();
  }

  function renderRelatives() {
    const list = $('relatives-list');
    list.replaceChildren();
    if (!relatives) return;
    $('no-relatives').hidden = relatives.length > 0;
    for (const r of relatives) {
      const tr = document.createElement('tr');
      tr.dataset.relativeId = r.id;
      const who = cell(r.name);
      const contact = [r.phone, r.email].filter(Boolean).join(', ');
      if (contact) who.append(document.createElement('br'), contact);
      tr.append(who);
      for (const [scope, sv, en] of SCOPES) {
        const consent = r.consents.find(k => k.scope === scope);
        const td = document.createElement('td');
        td.dataset.scope = scope;
        td.dataset.given = String(!!consent);
        td.append(consent
          ? nara.both(`Samtycke sedan ${nara.time(consent.givenAt)} (${consent.recordedByName || consent.recordedBy})`,
            `Consent since ${nara.time(consent.givenAt)} (${consent.recordedByName || consent.recordedBy})`)
          : nara.both('Inget samtycke', 'No consent'));
        if (scope !== 'NOTIFY' && !r.signsIn) {
          td.append(' ', nara.both('(har ingen inloggning ännu)', '(has no sign-in yet)'));
        }
        if (!nara.me().operator) {
          const button = document.createElement('button');
          button.type = 'button';
          button.className = 'consent-toggle';
          button.append(consent ? nara.both(`Återkalla (${sv})`, `Withdraw (${en})`)
            : nara.both(`Ge samtycke (${sv})`, `Give consent (${en})`));
          button.addEventListener('click', () => changeConsent(r.id, scope, !consent));
          td.append(button);
        }
        tr.append(td);
      }
      list.append(tr);
    }
  }

  async function changeConsent(relativeId, scope, given) {
    try {
      const changed = await nara.api('POST', `/api/patients/${enc}/relatives/${relativeId}/consents`, { scope, given });
      relatives = relatives.map(r => r.id === changed.id ? changed : r);
      clearProblem('relatives-problem');
      renderRelatives();
    } catch (e) {
      showProblem('relatives-problem', 'Samtycket ändrades inte', 'The consent was not changed', e);
      if (e.status === 404) await loadRelatives();
    }
  }

  start();
})();
