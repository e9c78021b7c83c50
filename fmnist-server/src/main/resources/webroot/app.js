// The demo page: sends an image (a file, or the canvas as PNG) to the image endpoint and shows the top 3;
// when the model has a catalog index beside it, also the most similar catalog items as a strip of thumbnails.
'use strict';
const modelSelect = document.getElementById('model');
const keyInput = document.getElementById('key');
const classes = document.getElementById('classes');
const statusLine = document.getElementById('status');
const canvas = document.getElementById('canvas');
const context = canvas.getContext('2d');
const similarSection = document.getElementById('similar-section');
const similarList = document.getElementById('similar');
const catalogs = new Map();  // model name -> items in its similar-item index

function headers(type) {
  const result = { 'Content-Type': type };
  if (keyInput.value) result['Authorization'] = 'Bearer ' + keyInput.value;
  return result;
}

async function loadModels() {
  const response = await fetch('api/models', { headers: headers('application/json') });
  if (response.status === 401) {
    document.getElementById('key-label').hidden = false;
    statusLine.textContent = 'This server needs an API key.';
    return;
  }
  const body = await response.json();
  modelSelect.innerHTML = '';
  catalogs.clear();
  for (const model of body.models) {
    if (model.similar_items) catalogs.set(model.name, model.similar_items);
    const option = document.createElement('option');
    option.value = model.name;
    option.textContent = model.name + (model.ready ? '' : ' (not ready)');
    option.disabled = !model.ready;
    modelSelect.appendChild(option);
  }
}

function show(prediction) {
  classes.innerHTML = '';
  for (const c of prediction.top) {
    const item = document.createElement('li');
    item.className = 'class';
    item.dataset.label = c.label;
    item.textContent = c.label + ' ' + (c.probability * 100).toFixed(1) + '%';
    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.style.width = Math.max(2, c.probability * 240) + 'px';
    item.appendChild(bar);
    classes.appendChild(item);
  }
}

let inFlight = false;
async function classify(blob) {
  if (!modelSelect.value) return;
  inFlight = true;
  try {
    const response = await fetch('v2/models/' + encodeURIComponent(modelSelect.value) + '/classify?top=3', {
      method: 'POST', headers: headers(blob.type || 'application/octet-stream'), body: blob });
    const body = await response.json();
    if (!response.ok) {
      statusLine.textContent = body.error || ('HTTP ' + response.status);
      if (response.status === 401) document.getElementById('key-label').hidden = false;
      return;
    }
    statusLine.textContent = '';
    show(body.predictions[0]);
    if (catalogs.has(modelSelect.value)) await similar(blob);
  } catch (error) {
    statusLine.textContent = 'The server cannot be reached: ' + error;
  } finally {
    inFlight = false;
  }
}

// Thumbnails are fetched with the API key, then shown from blob URLs: an <img src> cannot send the header.
async function thumbnail(path) {
  const response = await fetch(path.replace(/^\//, ''), { headers: headers('image/png') });
  return URL.createObjectURL(await response.blob());
}

async function similar(blob) {
  const response = await fetch('v2/models/' + encodeURIComponent(modelSelect.value) + '/similar?k=8', {
    method: 'POST', headers: headers(blob.type || 'application/octet-stream'), body: blob });
  const body = await response.json();
  if (!response.ok) {
    statusLine.textContent = body.error || ('HTTP ' + response.status);
    return;
  }
  similarList.innerHTML = '';
  for (const n of body.results[0].neighbours) {
    const item = document.createElement('li');
    item.dataset.id = n.id;
    item.dataset.label = n.label;
    const image = document.createElement('img');
    image.alt = n.label;
    image.title = n.id;
    image.src = await thumbnail(n.image);
    const caption = document.createElement('span');
    caption.textContent = n.label + ' ' + n.similarity.toFixed(2);
    item.append(image, caption);
    similarList.appendChild(item);
  }
  similarSection.hidden = false;
}

function useFile(file) {
  if (!file) return;
  document.getElementById('preview').src = URL.createObjectURL(file);
  classify(file);
}

document.getElementById('file').addEventListener('change', event => useFile(event.target.files[0]));
const drop = document.getElementById('drop');
drop.addEventListener('dragover', event => { event.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', event => {
  event.preventDefault();
  drop.classList.remove('over');
  useFile(event.dataTransfer.files[0]);
});

// Drawing: dark strokes on white, like a product photo; the server inverts light backgrounds.
function clearCanvas() {
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  classes.innerHTML = '';
  similarList.innerHTML = '';
}
clearCanvas();
context.lineWidth = 22;
context.lineCap = 'round';
context.lineJoin = 'round';
context.strokeStyle = '#222';
let drawing = false;
let last = 0;
canvas.addEventListener('pointerdown', event => {
  drawing = true;
  context.beginPath();
  context.moveTo(event.offsetX, event.offsetY);
});
canvas.addEventListener('pointermove', event => {
  if (!drawing) return;
  context.lineTo(event.offsetX, event.offsetY);
  context.stroke();
  const now = Date.now();
  if (!inFlight && now - last > 150) {  // live updates, at most a few per second
    last = now;
    canvas.toBlob(classify, 'image/png');
  }
});
window.addEventListener('pointerup', () => {
  if (drawing) {
    drawing = false;
    canvas.toBlob(classify, 'image/png');
  }
});
document.getElementById('clear').addEventListener('click', clearCanvas);
keyInput.addEventListener('change', loadModels);
loadModels();
