// The alert card: the top of an alert's detail in the inbox, with what a nurse needs to act without opening another
// page. The handover note first (what the sending team asked), then the alert, the patient with her age, phone (tap to
// call) and address, her named care contact (tap to call) and SIP, the newest value of each of her signals, and a
// 48-hour chart of the alert's signal with time and value axes, its unit and the threshold of the rule that raised it.
// Drawn from GET /api/alerts/{id} (alert, trail, patient, latest, chart) as markup for the inbox's innerHTML; every text
// from people and hubs goes through nara.esc(). Uses nara.js only.
'use strict';
const naraAlertCard = (() => {
  const esc = nara.esc, bh = nara.bothHtml;
  const HOUR = 3600 * 1000;

  const number = v => nara.number(v);
  const valueText = (v, unit) => nara.quantity(v, unit);
  function call(phone, id) {
    return `<a id="${id}" class="tel" href="${esc(nara.telHref(phone))}">${esc(phone)}</a>`;
  }

  /**
   * The note of the latest handover in the trail (a person handing it over or escalating it by hand), with who sent it
   * from which team: what the receiver must read first.
   */
  function handover(trail) {
    const passed = { 'handed-over': ['Överlämnat', 'Handed over'], 'escalated.by-person': ['Eskalerat', 'Escalated'] };
    const last = (trail || []).filter(e => passed[e.kind] && e.note).pop();
    if (!last) return '';
    const who = esc(nara.message(last.actorName ?? last.actor));
    const from = last.fromTeam ? ` ${bh('från', 'from')} ${esc(last.fromTeamName ?? last.fromTeam)}` : '';
    return `<p id="card-handover" class="card-handover"><strong>${bh(...passed[last.kind])}</strong>
      ${nara.time(last.at)}, ${who}${from}: <span class="card-handover-note">${esc(last.note)}</span></p>`;
  }

  function patient(p, a) {
    const c = (p && p.contact) || {};
    const link = `<a id="patient-link" href="/patient.html?id=${encodeURIComponent(a.patientId)}">${esc(a.patientName ?? a.patientId)}</a>`;
    const age = p && p.age != null ? `<span id="card-age">${bh(`${p.age} år`, `${p.age} years`)}</span>` : '';
    const phone = c.phone ? call(c.phone, 'card-phone')
      : `<span id="card-phone" class="muted">${bh('inget telefonnummer', 'no phone number')}</span>`;
    const address = c.address ? `<span id="card-address">${esc(c.address)}</span>`
      : `<span id="card-address" class="muted">${bh('ingen adress', 'no address')}</span>`;
    const contact = c.careContactName || c.careContactPhone
      ? `${esc(c.careContactName)}${c.careContactRole ? ` (${esc(c.careContactRole)})` : ''}
         ${c.careContactPhone ? call(c.careContactPhone, 'card-contact-phone') : ''}`
      : `<span class="muted">${bh('ingen angiven', 'none given')}</span>`;
    const sip = c.sipUrl && /^https?:\/\//i.test(c.sipUrl)
      ? `<p id="card-sip">${bh('SIP', 'Coordinated plan (SIP)')}: <a href="${esc(c.sipUrl)}" target="_blank"
          rel="noopener noreferrer">${esc(c.sipUrl)}</a>${c.sipDate ? ` (${esc(c.sipDate)})` : ''}
          ${c.sipResponsibilities ? `<br><span class="muted">${esc(c.sipResponsibilities)}</span>` : ''}</p>` : '';
    return `<p id="card-patient" class="card-patient">${link}${age ? ', ' + age : ''} · ${phone} · ${address}</p>
      <p id="card-care-contact">${bh('Fast vårdkontakt', 'Named care contact')}: ${contact}</p>${sip}`;
  }

  function latest(readings) {
    if (!readings || !readings.length) {
      return `<p id="card-latest-none" class="muted">${bh('Inga mätvärden de senaste 30 dagarna', 'No readings in the last 30 days')}</p>`;
    }
    return `<table id="card-latest"><caption>${bh('Senaste värden', 'Latest values')}</caption><tbody>
      ${readings.map(r => `<tr data-code="${esc(r.code)}"><th scope="row">${bh(r.signal.sv, r.signal.en)}</th>
        <td class="value">${esc(valueText(r.value, r.unit))}</td><td>${nara.time(r.at)}</td></tr>`).join('')}
      </tbody></table>`;
  }

  /** Value-axis ticks: about five round steps (1, 2 or 5 times a power of ten) covering [lo, hi]. */
  function ticks(lo, hi) {
    const raw = (hi - lo) / 5 || 1;
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map(m => m * power).find(s => s >= raw);
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step / 1e6; v += step) out.push(Number(v.toFixed(6)));
    return out;
  }
  /** The hour of an instant in Swedish local time, and its date as day/month. */
  function local(ms) {
    const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Stockholm', hourCycle: 'h23',
      day: 'numeric', month: 'numeric', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(ms)).map(x => [x.type, x.value]));
    return { hour: +p.hour, minute: +p.minute, label: `${p.hour}:${p.minute}`, day: `${p.day}/${p.month}` };
  }

  function chart(c, a) {
    if (!c) return `<p class="muted">${bh('Mätvärdena kunde inte läsas', 'The readings could not be read')}</p>`;
    const W = 640, H = 240, L = 52, R = 24, T = 22, B = 34;
    const t0 = new Date(c.from).getTime(), t1 = new Date(c.to).getTime();
    const unit = nara.unit(c.unit);
    const points = (c.points || []).filter(p => Number.isFinite(p.value));
    const lines = c.thresholds || [];
    const values = points.map(p => p.value).concat(lines.map(l => l.value));
    if (a.value != null && Number.isFinite(a.value)) values.push(a.value);
    let lo = values.length ? Math.min(...values) : 0, hi = values.length ? Math.max(...values) : 1;
    const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.1 || 1;
    lo -= pad; hi += pad;
    const x = t => L + (t - t0) / (t1 - t0) * (W - L - R);
    const y = v => T + (hi - v) / (hi - lo) * (H - T - B);
    const parts = [`<rect class="plot" x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}"/>`];
    for (const v of ticks(lo, hi)) {
      parts.push(`<line class="grid" x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/>`,
        `<text class="axis value-tick" x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${esc(number(v))}</text>`);
    }
    // Time ticks every six hours of Swedish local time; midnight shows the date.
    for (let t = Math.ceil(t0 / HOUR) * HOUR; t <= t1; t += HOUR) {
      const l = local(t);
      if (l.minute !== 0 || l.hour % 6 !== 0) continue;
      const text = l.hour === 0 ? l.day : l.label;
      parts.push(`<line class="tick" x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${H - B}" y2="${H - B + 5}"/>`,
        `<text class="axis time-tick" x="${x(t).toFixed(1)}" y="${H - B + 18}" text-anchor="middle">${esc(text)}</text>`);
    }
    parts.push(`<text class="axis unit" x="${L - 6}" y="${T - 8}" text-anchor="end">${esc(unit)}</text>`);
    const raisedAt = new Date(a.raisedAt).getTime();
    if (raisedAt >= t0 && raisedAt <= t1) {
      parts.push(`<line class="alert-time" x1="${x(raisedAt).toFixed(1)}" x2="${x(raisedAt).toFixed(1)}" y1="${T}" y2="${H - B}"/>`);
    }
    for (const l of lines) {
      const text = (l.bound === 'below' ? nara.t('gräns under ', 'limit below ') : nara.t('gräns över ', 'limit above '))
        + `${number(l.value)} ${unit}`;
      parts.push(`<line class="threshold" data-bound="${esc(l.bound)}" data-value="${esc(l.value)}" x1="${L}" x2="${W - R}"
          y1="${y(l.value).toFixed(1)}" y2="${y(l.value).toFixed(1)}"/>`,
        `<text class="threshold-label" x="${W - R - 4}" y="${(y(l.value) - 4).toFixed(1)}" text-anchor="end">${esc(text)}</text>`);
    }
    if (points.length > 1) {
      parts.push(`<polyline class="series" points="${points.map(p =>
        `${x(new Date(p.at).getTime()).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')}"/>`);
    }
    for (const p of points) {
      parts.push(`<circle class="point" r="2.5" cx="${x(new Date(p.at).getTime()).toFixed(1)}" cy="${y(p.value).toFixed(1)}"/>`);
    }
    if (!points.length) {
      parts.push(`<text class="empty" x="${(L + W - R) / 2}" y="${(T + H - B) / 2}" text-anchor="middle">${
        esc(nara.t('Inga mätningar de här 48 timmarna', 'No readings in these 48 hours'))}</text>`);
    }
    const name = c.signal ? nara.t(c.signal.sv, c.signal.en) : (c.code || '');
    const vs = points.map(p => p.value);
    const label = nara.t(
      `${name} i ${unit}, 48 timmar till ${nara.time(c.to)}: ${points.length} mätningar`
        + (vs.length ? ` från ${number(Math.min(...vs))} till ${number(Math.max(...vs))}` : '')
        + lines.map(l => `, gräns ${l.bound === 'below' ? 'under' : 'över'} ${number(l.value)}`).join(''),
      `${name} in ${unit}, 48 hours to ${nara.time(c.to)}: ${points.length} readings`
        + (vs.length ? ` from ${number(Math.min(...vs))} to ${number(Math.max(...vs))}` : '')
        + lines.map(l => `, limit ${l.bound === 'below' ? 'below' : 'above'} ${number(l.value)}`).join(''));
    const plan = c.planVersion != null ? ` · ${bh('gräns ur vårdplan version', 'limit from care plan version')} ${esc(c.planVersion)}` : '';
    return `<figure id="card-chart" class="card-chart"><figcaption>${c.signal ? bh(c.signal.sv, c.signal.en) : esc(c.code)}
        (${esc(unit)}), ${bh('48 timmar', '48 hours')}${plan}</figcaption>
      <svg id="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label)}">${parts.join('')}</svg></figure>`;
  }

  /** The card's markup for one alert detail ({alert, trail, patient, latest, chart}). */
  function html(d) {
    const a = d.alert;
    const sev = nara.SEVERITY[a.severity] ? bh(...nara.SEVERITY[a.severity]) : esc(a.severity);
    const state = nara.statusHtml(a.state);
    // Tier 0 is the team that responds first; a higher one says how far the alert has been escalated.
    const tier = a.tier > 0
      ? ` (${bh(`eskalerat ${a.tier} steg`, `escalated ${a.tier} ${a.tier === 1 ? 'step' : 'steps'}`)})` : '';
    return `<div id="alert-card" class="alert-card ${esc(a.severity)}">
      ${handover(d.trail)}
      <h3>${sev}: ${esc(nara.message(a.message))}</h3>
      ${patient(d.patient, a)}
      <p>${bh('Värde', 'Value')}: <strong>${esc(valueText(a.value, a.unit))}</strong> · ${bh('Mätt', 'Measured')} ${nara.time(a.raisedAt)}
        · ${bh('Vårdplan, version', 'Care plan, version')} ${esc(a.carePlanVersion)}</p>
      <p>Status: ${state} · Team: ${esc(a.teamName)}${tier}
        · ${bh('Ansvarig', 'Owner')}: ${esc(a.ownerName)} · ${bh('Eskalerar', 'Escalates')}: ${nara.time(a.escalateAt)}
        ${a.remindAt ? '· ' + bh('Påminner', 'Reminds') + ': ' + nara.time(a.remindAt) : ''}
        ${a.reminders ? '(' + a.reminders + ' ' + bh('påminnelser', 'reminders') + ')' : ''}</p>
      <div class="card-readings">${latest(d.latest)}${chart(d.chart, a)}</div>
    </div>`;
  }

  // The card's own look, kept with it so that index.html's <style> stays the inbox's.
  const style = document.createElement('style');
  style.textContent = `
    .alert-card .card-handover { background: #fff8e1; border-left: .4rem solid #f9a825; padding: .5rem .7rem; margin: 0 0 .6rem; }
    .alert-card .card-patient { font-size: 1.1em; }
    .alert-card a.tel { display: inline-block; min-height: 44px; line-height: 44px; padding: 0 .4rem; font-weight: bold; }
    .alert-card .card-readings { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
    .alert-card #card-latest { border-collapse: collapse; width: auto; }
    .alert-card #card-latest caption { text-align: left; font-weight: bold; }
    .alert-card #card-latest th, .alert-card #card-latest td { text-align: left; padding: .15rem .6rem .15rem 0; border-bottom: 1px solid #eee; }
    .alert-card .card-chart { flex: 1 1 20rem; max-width: 44rem; margin: 0; }
    .alert-card .card-chart svg { width: 100%; height: auto; font-size: 11px; }
    .alert-card .card-chart .plot { fill: #fafafa; stroke: #ccc; }
    .alert-card .card-chart .grid { stroke: #e6e6e6; }
    .alert-card .card-chart .tick { stroke: #555; }
    .alert-card .card-chart .axis { fill: #444; }
    .alert-card .card-chart .series { fill: none; stroke: #1565c0; stroke-width: 1.8; }
    .alert-card .card-chart .point { fill: #1565c0; }
    .alert-card .card-chart .threshold { stroke: #c62828; stroke-width: 1.5; stroke-dasharray: 6 4; }
    .alert-card .card-chart .threshold-label { fill: #b71c1c; }
    .alert-card .card-chart .alert-time { stroke: #c62828; stroke-opacity: .4; }
    .alert-card .card-chart .empty { fill: #666; }`;
  document.head.append(style);

  return { html };
})();
