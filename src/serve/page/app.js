// The clerk's page: talks to the local server's JSON API. Every value from the register is
// put on the page as text (textContent / text nodes), never as markup.
'use strict';

const SEVERITIES = [
  ['error', '错误'],
  ['breach', '严重违规'],
  ['warning', '警告'],
  ['info', '提示'],
];
const SEVERITY_WORD = Object.fromEntries(SEVERITIES);
const UPLOADED = '上传的配置';

const page = {
  info: null,
  check: null, // the check job's result
  forms: new Map(), // form id -> short name
};

function $(id) {
  return document.getElementById(id);
}

// An element with properties and children (strings become text nodes).
function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

function showError(message) {
  const bar = $('error');
  bar.textContent = message;
  bar.hidden = !message;
}

async function api(path, options) {
  const res = await fetch(path, Object.assign({ credentials: 'same-origin' }, options || {}));
  const type = res.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new Error((body && body.error) || body || '请求失败（' + res.status + '）');
  return body;
}

function postJson(path, value) {
  return api(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(value),
  });
}

function uploadFile(path, file) {
  return api(path, {
    method: 'POST',
    headers: { 'X-File-Name': encodeURIComponent(file.name) },
    body: file,
  });
}

// ---- tabs

function showTab(id) {
  for (const tab of document.querySelectorAll('.tab')) {
    const on = tab.dataset.tab === id;
    tab.setAttribute('aria-selected', on ? 'true' : 'false');
    $(tab.dataset.tab).hidden = !on;
  }
}

// ---- settings

function settings() {
  return { as_of: $('as-of').value, profile: $('profile').value };
}

function fillInfo(info) {
  page.info = info;
  $('folder-shown').textContent = info.folder;
  const select = $('profile');
  const chosen = select.value || 'standard';
  select.replaceChildren();
  for (const name of info.profiles) select.append(el('option', { value: name }, name));
  if (info.profile) select.append(el('option', { value: UPLOADED }, '上传的配置：' + info.profile));
  select.value = [...select.options].some((o) => o.value === chosen) ? chosen : 'standard';
  if (!$('as-of').value) $('as-of').value = info.today;
  if (!$('year').value) $('year').value = String(Number(info.today.slice(0, 4)) - (info.today.slice(5, 7) === '12' ? 0 : 1));
  $('register-name').textContent = info.register ? '已选：' + info.register : '';
  for (const f of info.forms) page.forms.set(f.id, f.short);
  const preview = $('preview-form');
  if (!preview.options.length) {
    for (const f of info.forms) preview.append(el('option', { value: f.id }, f.short));
  }
}

// ---- jobs

let polling = null;

// Starts a job and resolves with its final status (done, failed or cancelled).
async function runJob(request) {
  if (polling) throw new Error('请等当前任务完成');
  showError('');
  let status = await postJson('/api/jobs', Object.assign(settings(), request));
  const bar = $('job');
  bar.hidden = false;
  $('job-cancel').disabled = false;
  polling = status.id;
  try {
    while (status.state === 'running' || status.state === 'cancelling') {
      showJob(status);
      await new Promise((r) => setTimeout(r, 250));
      status = await api('/api/jobs/' + status.id);
    }
  } finally {
    polling = null;
    bar.hidden = true;
  }
  if (status.state === 'failed') throw new Error(status.error);
  if (status.state === 'cancelled') throw new Error(status.kind + '已取消，没有写入任何文件。');
  return status;
}

function showJob(status) {
  $('job-label').textContent = status.kind + (status.phase ? '：' + status.phase : '');
  const progress = $('job-progress');
  if (status.total > 0) {
    progress.max = status.total;
    progress.value = status.done;
    $('job-message').textContent = status.done + '/' + status.total + ' ' + status.message;
  } else {
    progress.removeAttribute('value');
    $('job-message').textContent = status.message;
  }
  if (status.state === 'cancelling') $('job-message').textContent = '正在取消…';
}

function fileLinks(status) {
  const list = el('ul', { class: 'files' });
  for (const f of status.files || []) {
    const size = f.bytes >= 1048576 ? (f.bytes / 1048576).toFixed(1) + ' MB' : Math.max(1, Math.round(f.bytes / 1024)) + ' KB';
    list.append(
      el('li', {}, el('a', { href: '/api/jobs/' + status.id + '/files/' + f.index, download: f.name }, '下载 ' + f.name), ' （' + size + '）')
    );
  }
  return list;
}

// ---- register and check

async function chooseRegister(file) {
  if (!file) return;
  try {
    fillInfo(await uploadFile('/api/register', file));
    await runCheck();
  } catch (e) {
    showError(e.message);
  }
}

async function runCheck() {
  const status = await runJob({ kind: 'check' });
  page.check = status.result;
  const note = $('note');
  note.textContent = status.result.note || '';
  note.hidden = !status.result.note;
  showFindings();
  showDue();
  showTab('tab-findings');
}

function personOf(key) {
  return page.check.persons.find((p) => p.id === key);
}

function personLabel(p) {
  if (!p) return '';
  return p.name + '（' + p.id + (p.resident_id ? '，' + p.resident_id : '') + '）';
}

function findingRow(f) {
  const due = (f.due || []).map((d) => page.forms.get(d) || d).join('、');
  return el(
    'tr',
    { class: 'sev-' + f.severity },
    el('td', {}, SEVERITY_WORD[f.severity] || f.severity),
    el('td', {}, f.code),
    el('td', { class: 'cells' }, (f.cells || []).join('、')),
    el('td', {}, f.message, due ? el('div', { class: 'due' }, '应出具：' + due) : null),
    el('td', { class: 'basis' }, f.basis || '')
  );
}

function tableHead() {
  return el('thead', {}, el('tr', {}, ...['级别', '编码', '单元格', '问题', '依据'].map((h) => el('th', { scope: 'col' }, h))));
}

function showFindings() {
  const check = page.check.check;
  const summary = $('summary');
  summary.replaceChildren(
    el('div', { class: 'card' }, el('strong', {}, String(check.summary.persons)), '名人员'),
    ...SEVERITIES.map(([key, word]) =>
      el('div', { class: 'card sev-' + key }, el('strong', {}, String(check.summary.by_severity[key] || 0)), word)
    ),
    el('div', { class: 'card' }, el('strong', {}, String(check.summary.breaches_to_report)), '须报告公安机关')
  );
  const first = page.check.to_report.map((k) => check.findings[k]);
  const table = $('report-first');
  table.replaceChildren(tableHead(), el('tbody', {}, ...first.map(findingRow)));
  table.hidden = $('report-first-title').hidden = first.length === 0;

  const fill = (id, values) => {
    const select = $(id);
    select.replaceChildren(el('option', { value: '' }, '全部'));
    for (const [v, label] of values) select.append(el('option', { value: v }, label));
  };
  fill('f-severity', SEVERITIES.filter(([k]) => check.summary.by_severity[k]));
  fill('f-code', Object.keys(check.summary.by_code).map((c) => [c, c + '（' + check.summary.by_code[c] + '）']));
  const units = [...new Set(check.findings.map((f) => f.unit || ''))].filter((u) => u).sort();
  fill('f-unit', units.map((u) => [u, u]));
  filterFindings();
}

function filterFindings() {
  const check = page.check.check;
  const sev = $('f-severity').value;
  const code = $('f-code').value;
  const unit = $('f-unit').value;
  const who = $('f-person').value.trim();
  const shown = check.findings.filter((f) => {
    if (sev && f.severity !== sev) return false;
    if (code && f.code !== code) return false;
    if (unit && f.unit !== unit) return false;
    if (who) {
      const p = personOf(f.person);
      const text = (f.person || '') + ' ' + (p ? p.name : '');
      if (!text.includes(who)) return false;
    }
    return true;
  });
  $('f-count').textContent = '显示 ' + shown.length + ' / ' + check.findings.length + ' 条';
  // Grouped by village/community, then by person (findings of no one person last).
  const groups = new Map();
  for (const f of shown) {
    const u = f.unit || '（未注明村（社区））';
    if (!groups.has(u)) groups.set(u, new Map());
    const persons = groups.get(u);
    const key = f.person || '';
    if (!persons.has(key)) persons.set(key, []);
    persons.get(key).push(f);
  }
  const out = $('groups');
  out.replaceChildren();
  for (const [u, persons] of groups) {
    const count = [...persons.values()].reduce((n, list) => n + list.length, 0);
    const section = el('details', { class: 'unit', open: groups.size <= 8 }, el('summary', {}, u + '（' + count + ' 条）'));
    for (const [key, list] of persons) {
      const title = key ? personLabel(personOf(key)) || key : '台帐、单位层面';
      section.append(el('h3', {}, title));
      section.append(el('table', { class: 'findings' }, tableHead(), el('tbody', {}, ...list.map(findingRow))));
    }
    out.append(section);
  }
  if (!shown.length) out.append(el('p', { class: 'hint' }, '没有符合条件的问题。'));
}

// ---- printing

function showDue() {
  const check = page.check.check;
  const duePersons = new Map(); // person key -> set of forms
  for (const f of check.findings) {
    if (!f.person || !(f.due || []).length) continue;
    if (!duePersons.has(f.person)) duePersons.set(f.person, new Set());
    for (const d of f.due) duePersons.get(f.person).add(d);
  }
  const persons = $('due-persons');
  persons.replaceChildren();
  for (const [key, forms] of duePersons) {
    const p = personOf(key);
    const label = (p ? p.unit + ' ' + p.name : key) + '：' + [...forms].map((d) => page.forms.get(d) || d).join('、');
    persons.append(el('label', {}, el('input', { type: 'checkbox', value: key, name: 'due-person' }), ' ' + label));
  }
  if (!duePersons.size) persons.append(el('p', { class: 'hint' }, '没有人员有应出具的文书。'));
  const forms = $('due-forms');
  forms.replaceChildren();
  for (const [id, n] of Object.entries(check.summary.documents_due)) {
    forms.append(el('label', {}, el('input', { type: 'checkbox', value: id, name: 'due-form' }), ' ' + (page.forms.get(id) || id) + '（' + n + '）'));
  }
  const preview = $('preview-person');
  preview.replaceChildren(el('option', { value: '' }, '（不指定）'));
  for (const p of page.check.persons) preview.append(el('option', { value: p.id }, p.unit + ' ' + p.name + '（' + p.id + '）'));
}

function ticked(name) {
  return [...document.querySelectorAll('input[name="' + name + '"]:checked')].map((i) => i.value);
}

async function runGenerate() {
  const out = $('generate-result');
  out.replaceChildren();
  try {
    const layout = document.querySelector('input[name="layout"]:checked').value;
    const status = await runJob({
      kind: 'generate',
      persons: ticked('due-person'),
      forms: ticked('due-form'),
      merge: layout === 'merged',
      duplex: $('duplex').checked,
    });
    const r = status.result;
    out.append(el('p', { class: 'ok' }, r.documents ? '已生成 ' + r.documents + ' 件文书（共 ' + r.pages + ' 页），保存在 ' + r.folder + '。' : '没有需要生成的文书。'));
    out.append(fileLinks(status));
    if (r.held && r.held.length) {
      out.append(el('h3', {}, '以下文书暂不出具，请先改正台帐：'));
      const list = el('ul', { class: 'held' });
      for (const h of r.held) {
        list.append(el('li', {}, h.unit + ' ' + h.who + ' ' + (h.form || '全部文书') + '：', el('ul', {}, ...h.reasons.map((x) => el('li', {}, x)))));
      }
      out.append(list);
    }
  } catch (e) {
    showError(e.message);
  }
}

async function runPreview() {
  const img = $('preview-image');
  const err = $('preview-error');
  err.hidden = true;
  const query = new URLSearchParams(Object.assign(settings(), { form: $('preview-form').value }));
  if ($('preview-person').value) query.set('person', $('preview-person').value);
  try {
    const res = await fetch('/api/preview?' + query, { credentials: 'same-origin' });
    if (!res.ok) throw new Error((await res.json()).error);
    const blob = await res.blob();
    if (img.src) URL.revokeObjectURL(img.src);
    img.src = URL.createObjectURL(blob);
    img.hidden = false;
  } catch (e) {
    img.hidden = true;
    err.textContent = e.message;
    err.hidden = false;
  }
}

// ---- annotate and report

async function runAnnotate() {
  try {
    const status = await runJob({ kind: 'annotate' });
    $('annotate-files').replaceChildren(fileLinks(status));
  } catch (e) {
    showError(e.message);
  }
}

async function runReport() {
  const out = $('report-result');
  out.replaceChildren();
  try {
    const status = await runJob({ kind: 'report', year: Number($('year').value) });
    out.append(el('p', { class: 'ok' }, '已生成考核报告，保存在 ' + status.result.folder + '。'));
    for (const w of status.result.warnings || []) out.append(el('p', { class: 'note' }, w));
    out.append(fileLinks(status));
  } catch (e) {
    showError(e.message);
  }
}

// ---- start

function needRegister(action) {
  return async () => {
    if (!page.info || !page.info.register) {
      showError('请先选择台帐文件');
      showTab('tab-register');
      return;
    }
    if (polling) return;
    try {
      await action();
    } catch (e) {
      showError(e.message);
    }
  };
}

function start() {
  for (const tab of document.querySelectorAll('.tab')) tab.addEventListener('click', () => showTab(tab.dataset.tab));
  $('register-file').addEventListener('change', (e) => chooseRegister(e.target.files[0]));
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    chooseRegister(e.dataTransfer.files[0]);
  });
  $('profile-file').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    try {
      fillInfo(await uploadFile('/api/profile', file));
      $('profile').value = UPLOADED;
      showError('');
    } catch (err) {
      showError(err.message);
    }
    e.target.value = '';
  });
  $('run-check').addEventListener('click', needRegister(runCheck));
  $('run-annotate').addEventListener('click', needRegister(runAnnotate));
  $('run-generate').addEventListener('click', needRegister(runGenerate));
  $('run-preview').addEventListener('click', needRegister(runPreview));
  $('run-report').addEventListener('click', needRegister(runReport));
  $('job-cancel').addEventListener('click', async () => {
    if (!polling) return;
    $('job-cancel').disabled = true;
    try {
      await api('/api/jobs/' + polling + '/cancel', { method: 'POST' });
    } catch (e) {
      showError(e.message);
    }
  });
  for (const id of ['f-severity', 'f-code', 'f-unit']) $(id).addEventListener('change', filterFindings);
  $('f-person').addEventListener('input', filterFindings);
  $('persons-all').addEventListener('click', () => document.querySelectorAll('input[name="due-person"]').forEach((i) => (i.checked = true)));
  $('persons-none').addEventListener('click', () => document.querySelectorAll('input[name="due-person"]').forEach((i) => (i.checked = false)));
  $('folder-change').addEventListener('click', () => {
    $('folder-input').value = page.info ? page.info.folder : '';
    $('folder-form').hidden = false;
    $('folder-input').focus();
  });
  $('folder-cancel').addEventListener('click', () => ($('folder-form').hidden = true));
  $('folder-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      fillInfo(await postJson('/api/folder', { folder: $('folder-input').value }));
      $('folder-form').hidden = true;
      showError('');
    } catch (err) {
      showError(err.message);
    }
  });
  api('/api/info').then(fillInfo, (e) => showError(e.message));
}

document.addEventListener('DOMContentLoaded', start);
