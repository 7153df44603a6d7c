// The actions taken on an alert (decision 0050): their names and outcomes in both languages, the list shown on the
// alert's detail with the forms to record an action and, once known, its outcome, and the words for the trail's
// action steps. The evaluation page uses the names. Every text from people goes through nara.esc(). Uses nara.js only.
'use strict';
const naraActions = (() => {
  const esc = nara.esc, bh = nara.bothHtml;
  // The escalation chain of DOMAIN.md, in its order: [Swedish, English].
  const KINDS = {
    PHONE_CALL: ['Telefonsamtal', 'Phone call'],
    HOME_VISIT: ['Hembesök', 'Home visit'],
    DOCTOR_CONTACTED: ['Kontakt med läkare', 'Doctor contacted'],
    ACUTE_SLOT: ['Läkarens akuttid bokad', "Doctor's acute slot booked"],
    MOBILE_TEAM: ['Mobilt team', 'Mobile team'],
    DIRECT_ADMISSION: ['Direktinläggning förbi akuten', 'Direct admission, bypassing the emergency department'],
    EMERGENCY_DEPARTMENT: ['Akutmottagning', 'Emergency department'] };
  const OUTCOMES = {
    REACHED: ['Nådd', 'Reached'],
    NOT_REACHED: ['Ej nådd', 'Not reached'],
    ADVICE_GIVEN: ['Nådd, råd givet', 'Reached, advice given'],
    STAYED_HOME: ['Kvar hemma', 'Stayed at home'],
    ADMITTED: ['Inlagd på avdelning', 'Admitted to a ward'],
    NOT_ADMITTED: ['Inte inlagd', 'Not admitted'],
    TREATMENT_CHANGED: ['Behandlingen ändrad', 'Treatment changed'],
    NO_CHANGE: ['Ingen ändring', 'No change'],
    DECLINED: ['Kunde inte ta uppdraget', 'Could not take it'],
    SENT_HOME: ['Hem från akuten', 'Sent home from the emergency department'] };

  const kindHtml = k => KINDS[k] ? bh(...KINDS[k]) : esc(k);
  const outcomeHtml = o => OUTCOMES[o] ? bh(...OUTCOMES[o]) : esc(o);
  /** A trail step's code: the action ("PHONE_CALL"), or the action and its outcome ("PHONE_CALL/NOT_REACHED"). */
  function stepHtml(code) {
    const [kind, outcome] = String(code).split('/');
    return kindHtml(kind) + (outcome ? ': ' + outcomeHtml(outcome) : '');
  }
  // <option> cannot hold elements, so its text is the chosen language; a switch re-draws the detail.
  const option = (value, [sv, en]) => `<option value="${esc(value)}">${esc(nara.t(sv, en))}</option>`;

  function item(x, canAct) {
    const outcome = x.outcome
      ? `<span class="action-outcome">→ ${outcomeHtml(x.outcome)} (${nara.time(x.outcomeAt)}, ${esc(x.outcomeByName ?? x.outcomeBy)})${
          x.outcomeNote ? ' · ' + esc(x.outcomeNote) : ''}</span>`
      : `<span class="action-outcome muted">${bh('utfall ej känt ännu', 'outcome not known yet')}</span>`;
    const form = canAct && !x.outcome ? `<form class="action-outcome-form" data-action-id="${x.id}">
        <label for="action-outcome-${x.id}">${bh('Utfall', 'Outcome')}</label>
        <select id="action-outcome-${x.id}" required><option value="">${esc(nara.t('Välj utfall…', 'Choose outcome…'))}</option>
          ${x.possibleOutcomes.map(o => option(o, OUTCOMES[o] || [o, o])).join('')}</select>
        <label for="action-outcome-note-${x.id}">${bh('Anteckning', 'Note')}</label><input id="action-outcome-note-${x.id}">
        <button>${bh('Spara utfall', 'Save outcome')}</button></form>` : '';
    return `<li data-action-id="${x.id}" data-kind="${esc(x.kind)}" data-outcome="${esc(x.outcome ?? '')}">
      <strong>${kindHtml(x.kind)}</strong> ${nara.time(x.takenAt)}, ${esc(x.takenByName ?? x.takenBy)}${
        x.teamName ? ' (' + esc(x.teamName) + ')' : ''}${x.note ? ' · ' + esc(x.note) : ''} ${outcome}${form}</li>`;
  }

  /** The alert's actions in the order taken, and, for a person who may act on it, the forms. */
  function html(actions, canAct) {
    const list = actions && actions.length
      ? `<ol id="action-list">${actions.map(x => item(x, canAct)).join('')}</ol>`
      : `<p id="no-actions" class="muted">${bh('Inga åtgärder registrerade', 'No actions recorded')}</p>`;
    const form = canAct ? `<form id="action-form"><label for="action-kind">${bh('Åtgärd', 'Action')}</label>
        <select id="action-kind" required><option value="">${esc(nara.t('Välj åtgärd…', 'Choose action…'))}</option>
          ${Object.entries(KINDS).map(([k, words]) => option(k, words)).join('')}</select>
        <label for="action-note">${bh('Anteckning', 'Note')}</label><input id="action-note">
        <button>${bh('Registrera åtgärd', 'Record action')}</button></form>` : '';
    return `<section id="alert-actions"><h4>${bh('Åtgärder', 'Actions taken')}</h4>${list}${form}</section>`;
  }

  /** What the resolve form repeats of the actions: the nurse chooses the alert's outcome knowing what was done. */
  function summary(actions) {
    if (!actions || !actions.length) return '';
    return `<p id="resolve-actions" class="muted">${bh('Åtgärder', 'Actions')}: ${actions.map(x =>
      kindHtml(x.kind) + (x.outcome ? ' (' + outcomeHtml(x.outcome) + ')' : '')).join(', ')}</p>`;
  }

  /** Wires the forms drawn by html(): act(path, body) posts below /api/alerts/{id}/. */
  function bind(root, act) {
    const form = root.querySelector('#action-form');
    if (form) {
      form.onsubmit = e => {
        e.preventDefault();
        act('actions', { kind: root.querySelector('#action-kind').value, note: root.querySelector('#action-note').value });
      };
    }
    for (const f of root.querySelectorAll('form.action-outcome-form')) {
      const id = f.dataset.actionId;
      f.onsubmit = e => {
        e.preventDefault();
        act(`actions/${id}/outcome`, { outcome: root.querySelector('#action-outcome-' + id).value,
          note: root.querySelector('#action-outcome-note-' + id).value });
      };
    }
  }

  const style = document.createElement('style');
  style.textContent = `
    #alert-actions ol { padding-left: 1.4rem; }
    #alert-actions li { margin: .3rem 0; }
    #alert-actions .action-outcome-form { display: block; margin: .2rem 0 .5rem; }`;
  document.head.append(style);

  return { KINDS, OUTCOMES, kindHtml, outcomeHtml, stepHtml, html, summary, bind };
})();
