// The patient page: /patient.html?id=<patientId>. Status (open alerts, adherence, devices), one trend chart per
// signal with the care plan's thresholds and the alerts on its timeline, and the care plan with its history; a doctor
// of a caring team edits it. Uses nara.js (language, API, navigation) and chart.js (the SVG).
'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const patientId = new URLSearchParams(location.search).get('id');
  const enc = encodeURIComponent(patientId || '');
  const SIGNALS = {
    '29463-7': ['Vikt', 'Body weight'], '8480-6': ['Systoliskt blodtryck', 'Systolic blood pressure'],
    '8462-4': ['Diastoliskt blodtryck', 'Diastolic blood pressure'], '8867-4': ['Puls', 'Heart rate'],
    '59408-5': ['Syremättnad (SpO2)', 'Oxygen saturation (SpO2)'], '8310-5': ['Kroppstemperatur', 'Body temperature'],
    '33762-6': ['NT-proBNP', 'NT-proBNP'], '2823-3': ['Kalium', 'Potassium'], '2951-2': ['Natrium', 'Sodium'],
    '14682-9': ['Kreatinin', 'Creatinine'] };
  const UNITS = { 'mm[Hg]': 'mmHg', Cel: '°C' };
  const SEVERITY = { URGENT: ['Brådskande', 'Urgent'], WARNING: ['Varning', 'Warning'], INFO: ['Info', 'Info'] };
  let overview = null, trends = null, range = '30d', plan = null;

  const signalName = (code, display) => SIGNALS[code] ? nara.both(...SIGNALS[code]) : document.createTextNode(display || code);
  const unit = u => UNITS[u] || u || '';
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
    document.addEventListener('nara:lang', () => { renderOverview(); renderTrends(); renderPlan(); });
    await Promise.all([loadTrends(), loadPlan()]);
  }

  function renderOverview() {
    const o = overview;
    $('patient-name').textContent = o.name;
    $('patient-id').textContent = o.patientId;
    const discharge = $('discharge');
    discharge.hidden = !o.dischargedOn;
    if (o.dischargedOn) {
      const day = Math.floor((Date.parse(o.at) - Date.parse(o.dischargedOn)) / 86400000) + 1;
      discharge.textContent = nara.t(`Utskriven ${o.dischargedOn}, dag ${day} av ${o.dischargeDays}`,
        `Discharged ${o.dischargedOn}, day ${day} of ${o.dischargeDays}`);
    }
    const alerts = $('open-alerts');
    alerts.replaceChildren();
    for (const a of o.openAlerts) {
      const tr = document.createElement('tr');
      tr.className = a.severity;
      tr.dataset.alertId = a.alertId;
      const value = a.value == null ? '–' : `${a.value} ${unit(a.unit)}`;
      [nara.both(...SEVERITY[a.severity]), a.message, value, nara.time(a.raisedAt),
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
      tr.append(cell(signalName(a.code, a.display)), cell(String(a.expected)), taken);
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
      caption.append(signalName(signal.code, signal.display), ` (${unit(signal.unit)})`);
      figure.append(caption, naraChart.draw({ ...signal, unit: unit(signal.unit) }, trends,
        trends.marks.filter(m => m.code === signal.code), events));
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

  function renderPlan(refillEditor) {
    $('careplan-edit').hidden = !(overview && overview.mayEditCarePlan && plan);
    $('careplan-view').hidden = !plan;
    if (!plan) return;
    const c = plan.current;
    $('careplan-current').textContent = nara.t(`Version ${c.version}, ändrad ${nara.time(c.changedAt)} av ${c.changedBy}`,
      `Version ${c.version}, changed ${nara.time(c.changedAt)} by ${c.changedBy}`);
    $('careplan-view').textContent = JSON.stringify(c.plan, null, 2);
    if (refillEditor) $('careplan-editor').value = JSON.stringify(c.plan, null, 2);
    const list = $('careplan-history');
    list.replaceChildren();
    for (const v of plan.history.slice().sort((a, b) => b.version - a.version)) {
      const li = document.createElement('li');
      li.dataset.version = v.version;
      const open = document.createElement('button');
      open.type = 'button';
      open.textContent = nara.t(`Version ${v.version}: ${nara.time(v.changedAt)}, ${v.changedBy}`,
        `Version ${v.version}: ${nara.time(v.changedAt)}, ${v.changedBy}`);
      open.addEventListener('click', () => { $('careplan-view').textContent = JSON.stringify(v.plan, null, 2); });
      li.append(open);
      list.append(li);
    }
  }

  /** Each problem next to the editor: the field it concerns and what is wrong. */
  function problems(list) {
    const ul = $('careplan-problems');
    ul.replaceChildren();
    for (const p of list) {
      const li = document.createElement('li');
      if (p.field) {
        const field = document.createElement('code');
        field.textContent = p.field;
        li.append(field, ': ');
      }
      li.append(p.message);
      ul.append(li);
    }
    $('careplan-feedback').hidden = list.length === 0;
    if (list.length) $('careplan-feedback').scrollIntoView({ block: 'nearest' });
  }

  $('careplan-save').addEventListener('click', async () => {
    $('careplan-saved').hidden = true;
    let edited;
    try {
      edited = JSON.parse($('careplan-editor').value);
    } catch (e) {
      problems([{ field: null, message: nara.t(`Ogiltig JSON: ${e.message}`, `Invalid JSON: ${e.message}`) }]);
      return;
    }
    try {
      const saved = await nara.api('PUT', `/api/patients/${enc}/careplan`,
        { basedOnVersion: plan.current.version, plan: edited });
      problems([]);
      show('careplan-saved', nara.t(`Sparad som version ${saved.version}.`, `Saved as version ${saved.version}.`));
      await loadPlan();
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

  start();
})();
