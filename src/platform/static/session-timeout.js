// Warns a signed-in person before their session ends for inactivity, and lets them stay signed in.
const holder = document.getElementById('app-session-timeout');

if (holder && typeof HTMLDialogElement === 'function') {
  const idleSeconds = Number(holder.dataset.idleSeconds);
  const warningSeconds = Number(holder.dataset.warningSeconds);
  const signInHref = holder.dataset.signInHref || '/login';
  let warnTimer;
  let endTimer;
  let countdown;
  let endsAt = 0;

  const dialog = document.createElement('dialog');
  dialog.className = 'app-timeout-dialog';
  dialog.setAttribute('aria-labelledby', 'app-timeout-heading');
  dialog.setAttribute('aria-describedby', 'app-timeout-message');
  dialog.innerHTML = `
    <h2 class="govuk-heading-m" id="app-timeout-heading">You will be signed out soon</h2>
    <p class="govuk-body" id="app-timeout-message"></p>
    <div class="govuk-button-group">
      <button type="button" class="govuk-button" data-stay>Stay signed in</button>
      <button type="button" class="govuk-button govuk-!-display-none" data-close>Close and save your answers</button>
    </div>`;
  document.body.append(dialog);
  const message = dialog.querySelector('#app-timeout-message');
  const heading = dialog.querySelector('#app-timeout-heading');
  const stay = dialog.querySelector('[data-stay]');
  const close = dialog.querySelector('[data-close]');
  let shownBucket = -1;

  const minutesAndSeconds = (seconds) => {
    const m = Math.floor(seconds / 60);
    const s = seconds % 60;
    const parts = [];
    if (m) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
    if (s || !m) parts.push(`${s} second${s === 1 ? '' : 's'}`);
    return parts.join(' ');
  };

  const showLeft = () => {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    // Screen readers hear the message when the dialog opens; it is then updated only every 15 seconds.
    const bucket = Math.ceil(left / 15);
    if (bucket !== shownBucket || !message.textContent) {
      shownBucket = bucket;
      message.textContent = `We will sign you out in ${minutesAndSeconds(left)} because you have not done anything for a while. Press Stay signed in to carry on.`;
    }
  };

  const warn = () => {
    message.textContent = '';
    shownBucket = -1;
    showLeft();
    if (!dialog.open) dialog.showModal();
    stay.focus();
    countdown = setInterval(showLeft, 1000);
  };

  const ended = () => {
    clearInterval(countdown);
    heading.textContent = 'You have been signed out';
    message.innerHTML = '';
    message.append(
      'You were signed out because you did nothing for a while. Close this message and press Save: we will ask you to sign in and then save your answers. Or ',
    );
    const link = document.createElement('a');
    link.className = 'govuk-link';
    link.href = signInHref;
    link.textContent = 'sign in again';
    message.append(link, ' without saving.');
    // The GOV.UK button style would show a button with only the hidden attribute.
    stay.hidden = true;
    stay.classList.add('govuk-!-display-none');
    close.classList.remove('govuk-!-display-none');
    if (!dialog.open) dialog.showModal();
    close.focus();
  };
  close.addEventListener('click', () => dialog.close());

  const start = () => {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    clearInterval(countdown);
    endsAt = Date.now() + idleSeconds * 1000;
    warnTimer = setTimeout(warn, Math.max(0, idleSeconds - warningSeconds) * 1000);
    endTimer = setTimeout(ended, idleSeconds * 1000);
  };

  stay.addEventListener('click', async () => {
    stay.disabled = true;
    try {
      // Any request moves the session's idle end on; this one also says whether it is still signed in.
      const answer = await fetch('/api/v1/auth/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      const body = answer.ok ? await answer.json() : null;
      if (!body || !body.user) return ended();
      dialog.close();
      start();
    } catch {
      message.textContent = 'We could not reach the service. Check your connection and try again.';
    } finally {
      stay.disabled = false;
    }
  });
  // Escape closes the dialog like Stay signed in would, never silently leaving the countdown running unseen.
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    if (!stay.hidden) stay.click();
    else dialog.close();
  });

  start();
}
