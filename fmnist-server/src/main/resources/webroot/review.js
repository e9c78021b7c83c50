// The review page: asks for the next item this reviewer holds, shows it with the model's top 3 and its explanation,
// and sends the reviewer's class: Enter confirms the model's answer, 1-9 and 0 pick classes 1 to 10.
'use strict';
const model = new URLSearchParams(location.search).get('model') || '';
const reviewer = sessionStorage.getItem('fmnist-reviewer')
  || 'reviewer-' + Math.random().toString(36).slice(2, 10);
sessionStorage.setItem('fmnist-reviewer', reviewer);
const keyInput = document.getElementById('key');
const statusLine = document.getElementById('status');
let current = null;  // the item shown
let sending = false;

function headers(type) {
  const result = type ? { 'Content-Type': type } : {};
  if (keyInput.value) result['Authorization'] = 'Bearer ' + keyInput.value;
  return result;
}

function base() {
  return 'v2/models/' + encodeURIComponent(model) + '/review';
}

async function call(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) document.getElementById('key-label').hidden = false;
  if (!response.ok) throw new Error(body.error || 'HTTP ' + response.status);
  return body;
}

function progress(review) {
  document.getElementById('progress').textContent = review.decided + ' decided, ' + review.remaining
    + ' to review (' + review.accepted + ' of ' + review.images + ' accepted by the model)';
}

async function start() {
  document.getElementById('model-name').textContent = model;
  const review = await call(base(), { headers: headers() });
  const keys = document.getElementById('classes');
  review.classes.forEach((name, index) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.class = index;
    button.innerHTML = '<kbd>' + ((index + 1) % 10) + '</kbd> ';
    button.append(name);
    button.addEventListener('click', () => decide(index));
    keys.append(button);
  });
  progress(review);
  await next();
}

async function next() {
  const answer = await call(base() + '/next?reviewer=' + encodeURIComponent(reviewer), { headers: headers() });
  progress(answer.review);
  current = answer.item || null;
  document.getElementById('item').hidden = !current;
  document.getElementById('done').hidden = !!current;
  if (!current) return;
  document.getElementById('image').src = current.image;
  document.getElementById('explanation').src = current.explanation;
  document.getElementById('item-id').textContent = current.id;
  const top = document.getElementById('top');
  top.replaceChildren(...current.top.map(c => {
    const li = document.createElement('li');
    li.textContent = c.label + ' ' + (c.probability * 100).toFixed(1) + '%';
    return li;
  }));
  document.querySelectorAll('#classes button').forEach(b =>
    b.classList.toggle('answered', Number(b.dataset.class) === current.top[0].index));
}

async function decide(classIndex) {
  if (!current || sending) return;
  sending = true;
  statusLine.textContent = '';
  try {
    await call(base() + '/decisions', {
      method: 'POST', headers: headers('application/json'),
      body: JSON.stringify({ item: current.id, class: classIndex, reviewer: reviewer })
    });
    await next();
  } catch (e) {
    statusLine.textContent = e.message;
    // decided by someone else meanwhile, say: the next item, with the message kept
    await next().catch(() => {});
  } finally {
    sending = false;
  }
}

document.addEventListener('keydown', event => {
  // a held key or a shortcut decides nothing: each item is looked at
  if (event.target === keyInput || !current || event.repeat || event.ctrlKey || event.altKey || event.metaKey) return;
  if (event.key === 'Enter') {
    event.preventDefault();
    decide(current.top[0].index);
  } else if (/^[0-9]$/.test(event.key)) {
    const index = (Number(event.key) + 9) % 10;  // 1 is the first class, 0 the tenth
    if (index < document.querySelectorAll('#classes button').length) decide(index);
  }
});

let started = false;
async function begin() {
  if (!started) {
    await start();
    started = true;
  } else {
    await next();
  }
}
keyInput.addEventListener('change', () => begin().catch(e => { statusLine.textContent = e.message; }));
begin().catch(e => { statusLine.textContent = e.message; });
