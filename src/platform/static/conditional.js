// Shows and hides questions that depend on another answer on the same page, the way the server decides
// when the page is saved: a question shows when its controlling question is shown and its answer equals
// (or, for a list of choices, includes) the value. Without this script the server shows the right questions.

const questions = Array.from(document.querySelectorAll('.app-question[data-show-if-key]'));

const slotOf = (question) => question.closest('.app-question-slot') || question;

const numberOf = (text) => {
  const cleaned = text.replace(/[£,\s]/g, '');
  return /^-?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : NaN;
};

/** The controlling question's current answer as a list of strings, or null when it is not on this page. */
function answerOf(key) {
  const container = document.getElementById(`question-${key}`);
  if (!container) return null;
  if (slotOf(container).hidden) return [];
  const values = [];
  for (const input of container.querySelectorAll(`[name="a-${key}"]`)) {
    if (input.type === 'radio' || input.type === 'checkbox') {
      if (input.checked) values.push(input.value);
    } else if (input.type !== 'hidden' && input.value.trim() !== '') {
      values.push(input.value.trim());
    }
  }
  return values;
}

function matches(values, equals) {
  const wanted = numberOf(equals);
  return values.some((value) => value === equals || (!Number.isNaN(wanted) && numberOf(value) === wanted));
}

const announcer = document.getElementById('question-announcer');

/** Tells screen reader users which questions have just appeared, through the page's polite live region. */
function announce(labels) {
  if (!announcer || labels.length === 0) return;
  const message = labels.map((label) => `Another question has appeared: ${label}`).join('. ');
  // Emptied first, so the same words are read again when a question comes back.
  announcer.textContent = '';
  setTimeout(() => {
    announcer.textContent = message;
  }, 50);
}

function update(event) {
  const appeared = [];
  // Conditions only look at earlier questions, so one pass in page order settles chains of them.
  for (const question of questions) {
    const values = answerOf(question.dataset.showIfKey);
    if (values === null) continue;
    const slot = slotOf(question);
    const wasHidden = slot.hidden;
    slot.hidden = !matches(values, question.dataset.showIfEquals ?? '');
    if (wasHidden && !slot.hidden) appeared.push(question.dataset.label ?? '');
  }
  // Only what an answer changes is announced, not what the page showed when it loaded.
  if (event) announce(appeared.filter(Boolean));
}

if (questions.length) {
  document.addEventListener('change', update);
  document.addEventListener('input', update);
  update();
}
