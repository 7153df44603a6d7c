// The patient page's contact details: the patient's phone (tap to call) and address, her named care contact (fast
// vårdkontakt) and the coordinated individual plan (SIP), and a small form for staff with a care relation to change
// them (POST /api/patients/{id}/contact; the server checks each field and names what it refuses). Uses nara.js only;
// separate from patient.js so that the page's other parts stay as they are.
'use strict';
(() => {
  const $ = id => document.getElementById(id);
  const patientId = new URLSearchParams(location.search).get('id');
  const path = `/api/patients/${encodeURIComponent(patientId || '')}/contact`;
  const FIELDS = [['phone', 'contact-phone-input'], ['address', 'contact-address-input'],
    ['careContactName', 'contact-care-name-input'], ['careContactRole', 'contact-care-role-input'],
    ['careContactPhone', 'contact-care-phone-input'], ['sipUrl', 'contact-sip-url-input'],
    ['sipDate', 'contact-sip-date-input'], ['sipResponsibilities', 'contact-sip-resp-input']];
  let contact = null;

  function tel(phone) {
    const a = document.createElement('a');
    a.className = 'tel';
    a.href = nara.telHref(phone);
    a.textContent = phone;
    return a;
  }
  const none = () => nara.both('ej angivet', 'not given');

  function render() {
    const c = contact;
    $('contact-phone').replaceChildren(c.phone ? tel(c.phone) : none());
    $('contact-address').replaceChildren(c.address || none());
    const care = $('contact-care');
    care.replaceChildren();
    if (c.careContactName || c.careContactPhone) {
      care.append(c.careContactName || '', c.careContactRole ? ` (${c.careContactRole})` : '', ' ');
      if (c.careContactPhone) care.append(tel(c.careContactPhone));
    } else care.append(none());
    const sip = $('contact-sip');
    sip.replaceChildren();
    if (c.sipUrl && /^https?:\/\//i.test(c.sipUrl)) {
      const link = document.createElement('a');
      link.id = 'contact-sip-link';
      link.href = c.sipUrl;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.textContent = c.sipUrl;
      sip.append(link);
    }
    if (c.sipDate) sip.append(` (${c.sipDate})`);
    if (c.sipResponsibilities) {
      const resp = document.createElement('div');
      resp.textContent = c.sipResponsibilities;
      sip.append(resp);
    }
    if (!sip.childNodes.length) sip.append(none());
    $('contact-changed').replaceChildren(c.changedAt
      ? nara.both(`Ändrat ${nara.time(c.changedAt)} av ${c.changedByName || c.changedBy}`,
        `Changed ${nara.time(c.changedAt)} by ${c.changedByName || c.changedBy}`) : '');
  }

  function fill() { for (const [field, id] of FIELDS) $(id).value = contact[field] || ''; }

  async function start() {
    const me = await nara.whoAmI();
    if (!me || !patientId) return;
    try {
      contact = await nara.api('GET', path);
    } catch (e) {
      return; // the page itself says why the patient cannot be shown
    }
    $('contact').hidden = false;
    // The operator sees but records nothing.
    $('contact-edit').hidden = !!me.operator;
    render();
    fill();
    document.addEventListener('nara:lang', render);
  }

  $('contact-form').addEventListener('submit', async event => {
    event.preventDefault();
    const body = {};
    for (const [field, id] of FIELDS) body[field] = $(id).value.trim();
    $('contact-saved').textContent = '';
    try {
      contact = await nara.api('POST', path, body);
      $('contact-problem').hidden = true;
      $('contact-problem').textContent = '';
      $('contact-saved').textContent = nara.t('Sparat.', 'Saved.');
      render();
      fill();
    } catch (e) {
      // The server's problem is "svenska / English": shown in the chosen language.
      const parts = e.message.split(' / ');
      $('contact-problem').replaceChildren(nara.both('Kontaktuppgifterna sparades inte', 'The contact details were not saved'),
        ': ', parts.length === 2 ? nara.both(parts[0], parts[1]) : e.message);
      $('contact-problem').hidden = false;
    }
  });

  start();
})();
