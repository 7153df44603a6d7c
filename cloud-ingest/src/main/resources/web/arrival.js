// How an alert arrives in the inbox, loud and durable: an alarm tone (Web Audio) that repeats while an urgent alert of
// my teams waits for someone, silenced per alert; a browser notification where permitted; the count of waiting alerts
// I have not opened in the tab title and on the favicon; and an announcement in words for screen readers.
// The inbox page says what arrived (arrived), what it holds (track) and what the person opened (opened); this file
// decides what sounds. What a test (or a curious nurse) can read without listening: <body data-sound="off|quiet|playing">,
// each row's data-sound="playing|silenced", document.title, the favicon's data-count, and the live regions' text.
// The attributes follow the audio graph: "playing" only while oscillators are scheduled in a running AudioContext.
'use strict';
const arrival = (() => {
  // The melodies follow IEC 60601-1-8 in spirit: high priority is a burst of ten pulses (3 + 2, twice), repeated;
  // medium priority three pulses, once. Square waves carry harmonics, which is what makes a tone heard through a wall.
  const URGENT_BURST = [[523, 0], [659, 0.22], [784, 0.44], [523, 0.9], [659, 1.12],
                        [523, 2.0], [659, 2.22], [784, 2.44], [523, 2.9], [659, 3.12]];
  const WARNING_BURST = [[523, 0], [659, 0.3], [784, 0.6]];
  const PULSE = 0.18;
  const URGENT_PAUSE = 4; // seconds of quiet after a burst before the next
  const VOLUME = { URGENT: 0.9, WARNING: 0.5, TEST: 0.35 };

  let ctx = null;
  let loop = null; // the urgent alarm: { out: GainNode, live: Set<OscillatorNode> }
  const chimes = new Set(); // one-off tones still scheduled (warning, test)
  const silenced = new Set(); // alert ids a person silenced on this page
  const read = new Set(); // alert ids opened on this page
  let tracked = []; // the inbox's alerts at the last track()
  let waiting = []; // open, unowned alerts of my teams, from the last track()
  let mine = () => false;
  let open = () => {};
  let baseTitle = '';
  const $ = id => document.getElementById(id);

  /** Sets up the controls and the live regions; mine(alert) says whether an alert waits for this person. */
  function start(options) {
    mine = options.mine;
    open = options.open;
    const bar = $('arrival');
    bar.replaceChildren();
    const prompt = document.createElement('p');
    prompt.id = 'sound-prompt';
    const on = document.createElement('button');
    on.id = 'sound-on';
    on.type = 'button';
    on.append(nara.both('Slå på ljud', 'Turn on sound'));
    on.onclick = () => enable(true);
    prompt.append(on, ' ', nara.both(
        'Webbläsaren spelar inga ljud förrän du har klickat eller tryckt på en tangent på sidan: tills dess hörs inte brådskande larm.',
        'The browser plays no sound until you have clicked or pressed a key on the page: until then urgent alerts are not heard.'));
    const state = document.createElement('span');
    state.id = 'sound-state';
    state.hidden = true;
    state.append(nara.both('Larmljud på', 'Alarm sound on'));
    const notify = document.createElement('button');
    notify.id = 'notify-on';
    notify.type = 'button';
    notify.hidden = true;
    notify.append(nara.both('Tillåt aviseringar', 'Allow notifications'));
    notify.onclick = () => Notification.requestPermission().then(reflectNotify, reflectNotify);
    const notifyState = document.createElement('span');
    notifyState.id = 'notify-state';
    notifyState.className = 'muted';
    bar.append(prompt, state, notify, notifyState);
    for (const [id, level] of [['announce', 'polite'], ['announce-urgent', 'assertive']]) {
      const region = document.createElement('div');
      region.id = id;
      region.className = 'visually-hidden';
      region.setAttribute('role', level === 'assertive' ? 'alert' : 'status');
      region.setAttribute('aria-live', level);
      document.body.append(region);
    }
    // Any click or key press lets the browser play sound: take it, so the prompt is needed only until then. On click,
    // not on pointerdown: the prompt's going shifts the page, and mid-tap that would move the tap off its target.
    for (const type of ['click', 'keydown']) document.addEventListener(type, () => enable(false), true);
    document.addEventListener('nara:lang', title);
    // A snooze ends by the clock, not by an event: look again every half minute.
    setInterval(() => track(tracked), 30000);
    reflectNotify();
    reflect();
  }

  function enable(test) {
    if (!ctx) {
      try {
        ctx = new AudioContext();
      } catch (e) {
        $('sound-prompt').append(' ', nara.both(`Ljud går inte att spela här: ${e.message}`, `Sound cannot play here: ${e.message}`));
        return;
      }
      ctx.onstatechange = update;
    }
    const confirm = () => { if (test) chime([[784, 0]], VOLUME.TEST); update(); };
    if (ctx.state === 'running') confirm(); else ctx.resume().then(confirm, update);
  }

  function pulse(out, frequency, at, volume, live) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'square';
    osc.frequency.value = frequency || 1;
    gain.gain.setValueAtTime(0, at);
    if (frequency) {
      gain.gain.linearRampToValueAtTime(volume, at + 0.015);
      gain.gain.setValueAtTime(volume, at + PULSE - 0.03);
      gain.gain.linearRampToValueAtTime(0, at + PULSE);
    }
    osc.connect(gain).connect(out);
    live.add(osc);
    osc.onended = () => { live.delete(osc); gain.disconnect(); reflect(); };
    osc.start(at);
    return osc;
  }

  /** One burst of the urgent alarm; a silent pulse over the pause ends when the next burst is due. */
  function burst() {
    const at = ctx.currentTime + 0.05;
    for (const [f, offset] of URGENT_BURST) pulse(loop.out, f, at + offset, VOLUME.URGENT, loop.live).stop(at + offset + PULSE);
    const last = URGENT_BURST[URGENT_BURST.length - 1][1] + PULSE;
    const pause = pulse(loop.out, 0, at, 0, loop.live);
    const current = loop;
    pause.addEventListener('ended', () => { if (loop === current) burst(); });
    pause.stop(at + last + URGENT_PAUSE);
  }

  function chime(notes, volume) {
    if (!ctx || ctx.state !== 'running') return;
    const out = ctx.createGain();
    out.connect(ctx.destination);
    const at = ctx.currentTime + 0.05;
    for (const [f, offset] of notes) pulse(out, f, at + offset, volume, chimes).stop(at + offset + PULSE);
  }

  /** The alerts whose alarm sounds now: urgent, open, unowned, my team's, not snoozed, not silenced. */
  function sounding() {
    return waiting.filter(a => a.severity === 'URGENT' && !silenced.has(a.id));
  }

  /** Starts or stops the urgent alarm to match what waits. */
  function update() {
    const want = ctx && ctx.state === 'running' && sounding().length > 0;
    if (want && !loop) {
      loop = { out: ctx.createGain(), live: new Set() };
      loop.out.connect(ctx.destination);
      burst();
    } else if (!want && loop) {
      const stopped = loop;
      loop = null;
      stopped.out.disconnect();
      for (const osc of stopped.live) osc.stop();
    }
    reflect();
  }

  function playing() {
    return ctx !== null && ctx.state === 'running' && loop !== null && loop.live.size > 0;
  }

  /** Writes the sound's state where people and tests see it: the prompt, <body>, the rows, the silence buttons. */
  function reflect() {
    const running = ctx !== null && ctx.state === 'running';
    const alarm = playing();
    document.body.dataset.sound = !running ? 'off' : alarm || chimes.size > 0 ? 'playing' : 'quiet';
    const prompt = $('sound-prompt');
    if (prompt) { prompt.hidden = running; $('sound-state').hidden = !running; }
    const loud = new Set(alarm ? sounding().map(a => a.id) : []);
    for (const tr of document.querySelectorAll('tr[data-alert-id]')) {
      const id = Number(tr.dataset.alertId);
      if (loud.has(id)) tr.dataset.sound = 'playing';
      else if (silenced.has(id) && waiting.some(a => a.id === id)) tr.dataset.sound = 'silenced';
      else delete tr.dataset.sound;
    }
    for (const b of document.querySelectorAll('button.silence')) {
      b.setAttribute('aria-pressed', String(silenced.has(Number(b.dataset.alertId))));
    }
  }

  function isWaiting(a) {
    return !!a && a.state === 'OPEN' && mine(a) && !(a.snoozedUntil && new Date(a.snoozedUntil) > new Date());
  }

  /** The inbox's alerts after each change: what waits decides the sound, the title and the favicon. */
  function track(alerts) {
    tracked = [...alerts];
    waiting = tracked.filter(isWaiting);
    const ids = new Set(waiting.map(a => a.id));
    for (const id of [...silenced]) if (!ids.has(id)) silenced.delete(id);
    update();
    title();
  }

  /**
   * An alert that came over the live stream, with what the page held of it before: when it newly waits for me
   * (new, escalated or handed to my team, returned unowned) or became urgent, it is announced and notified; the chime of a warning
   * plays here, the urgent alarm through track().
   */
  function arrived(before, a) {
    const worse = before && before.severity !== 'URGENT' && a.severity === 'URGENT';
    if (!isWaiting(a) || (isWaiting(before) && !worse)) return;
    read.delete(a.id);
    const sev = nara.SEVERITY[a.severity] ? nara.t(...nara.SEVERITY[a.severity]) : a.severity;
    const patient = a.patientName ?? a.patientId;
    const value = a.value == null ? '' : ` ${String(a.value).replace('.', nara.t(',', '.'))} ${nara.unit(a.unit)}`;
    const words = `${nara.t('Nytt larm', 'New alert')}, ${sev}: ${patient} – ${a.message ?? ''}${value}`;
    const region = $(a.severity === 'URGENT' ? 'announce-urgent' : 'announce');
    // Emptied first, so the same words twice are still read twice.
    region.textContent = '';
    setTimeout(() => { region.textContent = words; }, 50);
    if (a.severity === 'WARNING') chime(WARNING_BURST, VOLUME.WARNING);
    notify(a, `${sev}: ${patient}`, `${a.message ?? ''}${value}`);
  }

  function notify(a, heading, body) {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    try {
      const n = new Notification(heading, { body, tag: `nara-alert-${a.id}`, lang: nara.lang(), requireInteraction: a.severity === 'URGENT' });
      n.onclick = () => { window.focus(); open(a.id); n.close(); };
    } catch (e) {
      // Some browsers allow notifications only from a service worker; the page's other signals remain.
      $('notify-state').textContent = nara.t(`Avisering misslyckades: ${e.message}`, `Notification failed: ${e.message}`);
    }
  }

  function reflectNotify() {
    const supported = 'Notification' in window;
    const permission = supported ? Notification.permission : 'unsupported';
    $('notify-on').hidden = permission !== 'default';
    const words = { granted: ['Aviseringar på', 'Notifications on'], denied: ['Aviseringar blockerade i webbläsaren', 'Notifications blocked in the browser'],
      unsupported: ['Webbläsaren saknar aviseringar', 'The browser has no notifications'] }[permission];
    $('notify-state').replaceChildren(words ? nara.both(...words) : '');
  }

  /** The person opened the alert: it no longer counts as unread. */
  function opened(id) {
    read.add(id);
    title();
  }

  function silence(id) {
    if (silenced.has(id)) silenced.delete(id); else silenced.add(id);
    update();
  }

  /** The button that silences one alert's alarm on this page (a toggle), for a waiting urgent alert; else null. */
  function silenceButton(a) {
    if (!isWaiting(a) || a.severity !== 'URGENT') return null;
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'silence';
    b.dataset.alertId = a.id;
    b.setAttribute('aria-pressed', String(silenced.has(a.id)));
    b.append(nara.both('Tysta larmljud', 'Silence sound'));
    b.onclick = e => { e.stopPropagation(); silence(a.id); };
    return b;
  }

  function title() {
    const unread = waiting.filter(a => !read.has(a.id));
    baseTitle = nara.t('Larm – Nära', 'Alerts – Nära');
    document.title = unread.length ? `(${unread.length}) ${baseTitle}` : baseTitle;
    favicon(unread.length, unread.some(a => a.severity === 'URGENT'));
  }

  /** The favicon drawn on a canvas: the app's mark, and a badge with the unread count (red when one is urgent). */
  function favicon(count, urgent) {
    let link = document.querySelector('link[rel="icon"]');
    if (!link) { link = document.createElement('link'); link.rel = 'icon'; document.head.append(link); }
    if (link.dataset.count === String(count) && link.dataset.urgent === String(urgent)) return;
    const size = 64, canvas = document.createElement('canvas');
    canvas.width = canvas.height = size;
    const g = canvas.getContext('2d');
    g.fillStyle = '#0d47a1';
    g.beginPath(); g.roundRect(0, 0, size, size, 12); g.fill();
    g.fillStyle = '#fff'; g.font = 'bold 44px sans-serif'; g.textAlign = 'center'; g.textBaseline = 'middle';
    g.fillText('N', count ? 24 : 32, 34);
    if (count) {
      g.fillStyle = urgent ? '#c62828' : '#f9a825';
      g.beginPath(); g.arc(44, 20, 20, 0, 2 * Math.PI); g.fill();
      g.fillStyle = urgent ? '#fff' : '#000'; g.font = 'bold 28px sans-serif';
      g.fillText(count > 9 ? '9+' : String(count), 44, 22);
    }
    link.href = canvas.toDataURL('image/png');
    link.dataset.count = String(count);
    link.dataset.urgent = String(urgent);
  }

  return { start, track, arrived, opened, silenceButton };
})();
