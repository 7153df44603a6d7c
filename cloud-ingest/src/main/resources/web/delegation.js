// The patient page's delegated tasks (delegering to home-care staff): each task and the measurement it includes, to
// whom, from when to when, whether it was done, who delegated it; a nurse of the patient's teams delegates a new one
// (personal or to a home-care team, with an end date, at most a year) and revokes one. GET/POST /api/patients/{id}/delegations; the server checks the
// role and names what it refuses. Uses nara.js only; separate from patient.js.
'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const patientId = new URLSearchParams(location.search).get('id');
  const path = `/api/patients/${encodeURIComponent(patientId || '')}/delegations`;
  const DAYS = [[1, 'mån', 'Mon'], [2, 'tis', 'Tue'], [3, 'ons', 'Wed'], [4, 'tor', 'Thu'], [5, 'fre', 'Fri'],
    [6, 'lör', 'Sat'], [7, 'sön', 'Sun']];
  let data = null;

  function problem(e) {
    const parts = String(e.message).split(' / ');
    $('delegation-problem').replaceChildren(parts.length === 2 ? nara.both(parts[0], parts[1]) : e.message);
    $('delegation-problem').hidden = false;
  }

  function days(list) {
    if (!list.length) return nara.both('varje dag', 'every day');
    return nara.both(list.map(d => DAYS[d - 1][1]).join(', '), list.map(d => DAYS[d - 1][2]).join(', '));
  }

  function measurementWords(m) {
    return nara.both(`Mätning: ${m.sv}`, `Measurement: ${m.en}`);
  }

  function render() {
    const rows = $('delegation-rows');
    rows.replaceChildren();
    $('delegation-none').hidden = data.delegations.length > 0;
    $('delegation-table').hidden = data.delegations.length === 0;
    for (const d of data.delegations) {
      const tr = document.createElement('tr');
      tr.dataset.delegation = d.id;
      const cell = (...parts) => { const td = document.createElement('td'); td.append(...parts); tr.append(td); return td; };
      const task = cell(d.task);
      if (d.measurement) task.append(document.createElement('br'), measurementWords(d.measurement));
      cell(d.toName || d.toPersonId || d.toTeamId, d.toTeamId ? nara.both(' (team)', ' (team)') : '');
      cell(`${d.from} – ${d.to}`, document.createElement('br'), days(d.weekdays));
      const done = cell();
      done.className = 'done';
      if (d.doneToday) done.append(nara.both('Gjord i dag', 'Done today'), document.createElement('br'));
      if (d.lastDoneAt) done.append(nara.both(`Senast ${nara.time(d.lastDoneAt)} (${d.lastDoneByName})`,
        `Last ${nara.time(d.lastDoneAt)} (${d.lastDoneByName})`));
      else if (!d.doneToday) done.append(nara.both('Inte utförd', 'Not done'));
      cell(d.delegatedByName || d.delegatedBy, document.createElement('br'), nara.time(d.delegatedAt));
      const action = cell();
      action.className = 'state';
      if (d.revokedAt) {
        action.append(nara.both(`Återkallad ${nara.time(d.revokedAt)}`, `Revoked ${nara.time(d.revokedAt)}`));
      } else if (data.mayDelegate) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'revoke';
        b.append(nara.both('Återkalla', 'Revoke'));
        b.onclick = () => revoke(d.id);
        action.append(b);
      }
      rows.append(tr);
    }
  }

  function fillForm() {
    const to = $('delegation-to');
    to.replaceChildren();
    for (const team of data.delegates) {
      const group = document.createElement('optgroup');
      group.label = team.teamName;
      const all = document.createElement('option');
      all.value = 'team:' + team.teamId;
      all.textContent = nara.t(`Hela teamet: ${team.teamName}`, `The whole team: ${team.teamName}`);
      group.append(all);
      for (const p of team.staff) {
        const o = document.createElement('option');
        o.value = 'person:' + p.id;
        o.textContent = p.name;
        group.append(o);
      }
      to.append(group);
    }
    const code = $('delegation-code');
    code.replaceChildren();
    const none = document.createElement('option');
    none.value = '';
    none.textContent = nara.t('Ingen mätning', 'No measurement');
    code.append(none);
    for (const m of data.measurements) {
      const o = document.createElement('option');
      o.value = m.code;
      o.textContent = nara.t(m.sv, m.en);
      code.append(o);
    }
    const box = $('delegation-days');
    for (const old of box.querySelectorAll('label')) old.remove();
    for (const [n, sv, en] of DAYS) {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.value = n;
      label.append(input, ' ', nara.both(sv, en));
      box.append(label);
    }
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
    if (!$('delegation-from').value) $('delegation-from').value = today;
  }

  async function load() {
    data = await nara.api('GET', path);
    $('delegation').hidden = false;
    // Only a nurse of the patient's teams delegates, and only to home-care staff who serve her.
    $('delegation-new').hidden = !data.mayDelegate || data.delegates.length === 0;
    render();
  }

  async function revoke(id) {
    try {
      await nara.api('POST', `${path}/${id}/revoke`, {});
      $('delegation-problem').hidden = true;
      await load();
    } catch (e) { problem(e); }
  }

  $('delegation-form').addEventListener('submit', async event => {
    event.preventDefault();
    const [kind, id] = ($('delegation-to').value || ':').split(/:(.*)/s);
    const body = {
      task: $('delegation-task').value.trim(),
      weekdays: [...$('delegation-days').querySelectorAll('input:checked')].map(i => Number(i.value)),
      from: $('delegation-from').value,
      to: $('delegation-until').value,
    };
    if (kind === 'team') body.toTeamId = id; else body.toPersonId = id;
    if ($('delegation-code').value) body.code = $('delegation-code').value;
    $('delegation-saved').textContent = '';
    try {
      await nara.api('POST', path, body);
      $('delegation-problem').hidden = true;
      $('delegation-saved').textContent = nara.t('Delegerat.', 'Delegated.');
      $('delegation-task').value = '';
      $('delegation-code').value = '';
      await load();
    } catch (e) { problem(e); }
  });

  async function start() {
    const me = await nara.whoAmI();
    if (!me || !patientId || me.operator) return;
    try {
      await load();
      fillForm();
    } catch (e) {
      return; // the page itself says why the patient cannot be shown
    }
    document.addEventListener('nara:lang', () => { render(); });
  }
  start();
})();
