/* govscan HTML report. Every value from the scan is inserted with textContent or setAttribute on
   fixed attribute names: resource names and tags are attacker-controlled, so no HTML is ever parsed
   from data. The page fetches nothing. */
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('govscan-data').textContent);
  var S = D.strings, R = D.findings, EV = D.evidence, COL = {};
  D.columns.forEach(function (name, i) { COL[name] = i; });
  var SVG = 'http://www.w3.org/2000/svg';
  var PAGE = 100;
  var STATUS_ORDER = {FAIL: 0, ERROR: 1, UNKNOWN: 2, MUTED: 3, PASS: 4};
  var SEV_ORDER = {critical: 0, high: 1, medium: 2, low: 3, info: 4};
  var STATUSES = ['FAIL', 'ERROR', 'UNKNOWN', 'MUTED', 'PASS'];
  var SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
  var L = {
    ja: {
      title: 'govscan レポート', overview: '概要', findings: '検出結果', frameworks: 'フレームワーク',
      errors: '収集エラー', total: '総件数', scanned: '実行', complete: '完了', incomplete: 'スキャンは完了していません',
      byStatus: '状態別', bySeverity: '重大度別 (不適合)', byCategory: 'カテゴリ別 (不適合)',
      byProvider: 'クラウド別 (不適合)', byScope: 'スコープ別 (不適合)', residency: 'データ所在地: 国外にあるもの',
      location: 'ロケーション', resources: 'リソース数', examples: '例', providers: 'クラウド', checks: 'チェック',
      noResidency: '国外にあるデータは検出されませんでした。', status: '状態', severity: '重大度', category: 'カテゴリ',
      provider: 'クラウド', scope: 'スコープ', framework: 'フレームワーク', search: '検索', all: 'すべて',
      check: 'チェック', titleCol: 'タイトル', resource: 'リソース', message: 'メッセージ', prev: '前へ', next: '次へ',
      showing: '{a}–{b} 件目 / {n} 件', none: '該当する検出結果はありません。', close: '閉じる',
      resourceId: 'リソース ID', resourceName: 'リソース名', kind: '種類', nativeType: 'ネイティブ型', origin: '出所',
      live: 'ライブ (API)', code: 'コード', evidence: '証跡 (読み取った事実)', remediation: '対処方法',
      references: '参照 (準拠基準)', fingerprint: 'フィンガープリント', muted: '例外の理由', noEvidence: '記録された事実はありません。',
      service: 'サービス', region: 'リージョン', operation: '操作', reason: '理由', kinds: '影響を受ける種類',
      noErrors: '収集エラーはありません。', edition: '版', relation: '関係', supports: '支援 (supports)',
      covers: '網羅 (covers)', coverage: 'カバー率', control: '管理策', covering: 'カバーするチェック',
      results: 'この結果', notCovered: '未対応', language: '言語', clear: 'クリア', reset: 'フィルタを解除',
      sortHint: '列見出しをクリックで並べ替え', version: 'バージョン', targets: '対象',
      statusNames: {PASS: '適合', FAIL: '不適合', UNKNOWN: '判定不能', ERROR: 'エラー', MUTED: '例外'},
      sevNames: {critical: '緊急', high: '高', medium: '中', low: '低', info: '情報'},
      catNames: {residency: 'データ所在地', logging: 'ログ', identity: 'ID・アクセス', encryption: '暗号化',
        network: 'ネットワーク', resilience: '回復性', governance: 'ガバナンス'}
    },
    en: {
      title: 'govscan report', overview: 'Overview', findings: 'Findings', frameworks: 'Frameworks',
      errors: 'Collection errors', total: 'Total', scanned: 'Scanned', complete: 'Complete',
      incomplete: 'The scan is incomplete', byStatus: 'By status', bySeverity: 'Failures by severity',
      byCategory: 'Failures by category', byProvider: 'Failures by cloud', byScope: 'Failures by scope',
      residency: 'Data residency: what is outside Japan', location: 'Location', resources: 'Resources', examples: 'Examples',
      providers: 'Clouds', checks: 'Checks', noResidency: 'No data outside Japan was found.', status: 'Status',
      severity: 'Severity', category: 'Category', provider: 'Cloud', scope: 'Scope', framework: 'Framework',
      search: 'Search', all: 'All', check: 'Check', titleCol: 'Title', resource: 'Resource', message: 'Message',
      prev: 'Previous', next: 'Next', showing: '{a}–{b} of {n}', none: 'No findings match.', close: 'Close',
      resourceId: 'Resource id', resourceName: 'Resource name', kind: 'Kind', nativeType: 'Native type',
      origin: 'Origin', live: 'live (API)', code: 'code', evidence: 'Evidence (facts read)',
      remediation: 'Remediation', references: 'References (standards)', fingerprint: 'Fingerprint',
      muted: 'Exception reason', noEvidence: 'No facts were recorded.', service: 'Service', region: 'Region',
      operation: 'Operation', reason: 'Reason', kinds: 'Kinds affected', noErrors: 'No collection errors.',
      edition: 'Edition', relation: 'Relation', supports: 'supports', covers: 'covers', coverage: 'Coverage',
      control: 'Control', covering: 'Covering checks', results: 'This scan', notCovered: 'not covered',
      language: 'Language', clear: 'Clear', reset: 'Reset filters', sortHint: 'Click a column heading to sort',
      version: 'Version', targets: 'Targets',
      statusNames: {PASS: 'Pass', FAIL: 'Fail', UNKNOWN: 'Unknown', ERROR: 'Error', MUTED: 'Muted'},
      sevNames: {critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info'},
      catNames: {residency: 'Residency', logging: 'Logging', identity: 'Identity', encryption: 'Encryption',
        network: 'Network', resilience: 'Resilience', governance: 'Governance'}
    }
  };
  var state = {
    lang: D.lang === 'en' ? 'en' : 'ja', tab: 'overview', page: 0, sort: null, desc: false, selected: -1,
    f: {status: '', severity: '', category: '', provider: '', scope: '', framework: '', q: ''}
  };
  var view = null;        // indexes of the rows that pass the filters, in display order
  var hay = {};           // lower-cased search text per row, built once per language on first search

  function t(key) { return L[state.lang][key]; }
  function cell(i, name) { return S[R[i][COL[name]]]; }
  function local(i, name) { return cell(i, name + '_' + state.lang) || cell(i, name + '_' + (state.lang === 'ja' ? 'en' : 'ja')); }
  function statusName(s) { return L[state.lang].statusNames[s] || s; }
  function sevName(s) { return L[state.lang].sevNames[s] || s; }
  function catName(s) { return L[state.lang].catNames[s] || s; }

  function el(tag, props) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        var v = props[k];
        if (k === 'text') node.textContent = v;
        else if (k === 'cls') node.className = v;
        else if (k === 'on') Object.keys(v).forEach(function (ev) { node.addEventListener(ev, v[ev]); });
        else node.setAttribute(k, v);
      });
    }
    for (var a = 2; a < arguments.length; a++) {
      var c = arguments[a];
      if (c === null || c === undefined) continue;
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function badge(kind, value, label) { return el('span', {cls: 'badge ' + kind + '-' + value, text: label}); }

  /* ---------------------------------------------------------------- charts (from aggregates) */

  var COLORS = {critical: '#7a0019', high: '#c62828', medium: '#ef6c00', low: '#f9a825', info: '#607d8b',
    PASS: '#2e7d32', FAIL: '#c62828', UNKNOWN: '#6d4c41', ERROR: '#8e24aa', MUTED: '#78909c'};

  function barChart(pairs, label, onPick) {
    var max = 1;
    pairs.forEach(function (p) { if (p[1] > max) max = p[1]; });
    var rowH = 24, labelW = 170, width = 560, h = Math.max(rowH, pairs.length * rowH) + 4;
    var root = svg('svg', {'class': 'chart', viewBox: '0 0 ' + width + ' ' + h, role: 'img'});
    pairs.forEach(function (p, i) {
      var y = i * rowH + 2, w = Math.max(2, Math.round((width - labelW - 60) * p[1] / max));
      var g = svg('g', {'class': 'bar'});
      var name = svg('text', {x: labelW - 6, y: y + 16, 'text-anchor': 'end'});
      name.textContent = label(p[0]);
      var rect = svg('rect', {x: labelW, y: y + 3, width: w, height: rowH - 8, rx: 3, fill: COLORS[p[0]] || '#0b5cad'});
      var n = svg('text', {x: labelW + w + 6, y: y + 16});
      n.textContent = String(p[1]);
      var tip = svg('title', {});
      tip.textContent = label(p[0]) + ': ' + p[1];
      g.appendChild(tip); g.appendChild(name); g.appendChild(rect); g.appendChild(n);
      if (onPick && p[0] !== '…') g.addEventListener('click', function () { onPick(p[0]); });
      root.appendChild(g);
    });
    if (!pairs.length) { var e = svg('text', {x: 4, y: 16}); e.textContent = '—'; root.appendChild(e); }
    return root;
  }

  function pick(filters) {
    return function (value) {
      Object.keys(state.f).forEach(function (k) { state.f[k] = ''; });
      Object.keys(filters).forEach(function (k) { state.f[k] = filters[k] === '$' ? value : filters[k]; });
      state.tab = 'findings'; state.page = 0; state.selected = -1; view = null;
      draw();
    };
  }

  function overview() {
    var A = D.aggregates, m = D.meta, box = el('section', {id: 'overview'});
    if (!m.complete) {
      box.appendChild(el('div', {cls: 'banner', role: 'alert'}, t('incomplete') + ': ' + m.incomplete_reasons.join('; ')));
    }
    var cards = el('div', {cls: 'cards'});
    cards.appendChild(el('div', {cls: 'card'}, el('div', {cls: 'n', text: String(R.length)}), el('div', {cls: 'l', text: t('total')})));
    var counts = {};
    A.status.forEach(function (p) { counts[p[0]] = p[1]; });
    STATUSES.forEach(function (s) {
      cards.appendChild(el('div', {cls: 'card', 'data-status': s},
        el('div', {cls: 'n', text: String(counts[s] || 0)}), el('div', {cls: 'l'}, badge('st', s, statusName(s)))));
    });
    cards.appendChild(el('div', {cls: 'card'}, el('div', {cls: 'n', text: String(D.errors.length)}), el('div', {cls: 'l', text: t('errors')})));
    box.appendChild(cards);
    var grid = el('div', {cls: 'grid'});
    function panel(title, chart, id) { return el('div', {cls: 'panel', id: id}, el('h2', {text: title}), chart); }
    var sev = SEVERITIES.map(function (s) { var f = A.severity.filter(function (p) { return p[0] === s; })[0]; return [s, f ? f[1] : 0]; });
    grid.appendChild(panel(t('byStatus'), barChart(A.status, statusName, pick({status: '$'})), 'chart-status'));
    grid.appendChild(panel(t('bySeverity'), barChart(sev, sevName, pick({status: 'FAIL', severity: '$'})), 'chart-severity'));
    grid.appendChild(panel(t('byCategory'), barChart(A.category, catName, pick({status: 'FAIL', category: '$'})), 'chart-category'));
    grid.appendChild(panel(t('byProvider'), barChart(A.provider, String, pick({status: 'FAIL', provider: '$'})), 'chart-provider'));
    grid.appendChild(panel(t('byScope'), barChart(A.scope, String, pick({status: 'FAIL', scope: '$'})), 'chart-scope'));
    box.appendChild(grid);
    var res = el('div', {cls: 'panel', id: 'residency'}, el('h2', {text: t('residency')}));
    if (!A.residency.length) res.appendChild(el('p', {cls: 'muted', text: t('noResidency')}));
    else {
      var tb = el('tbody');
      A.residency.forEach(function (r) {
        tb.appendChild(el('tr', null, el('td', {text: r.location}), el('td', {text: String(r.resources)}),
          el('td', {cls: 'wrap', text: r.examples.join(', ') + (r.resources > r.examples.length ? ', …' : '')}),
          el('td', {text: r.providers.join(', ')}), el('td', {text: r.checks.join(', ')})));
      });
      res.appendChild(el('table', null, el('thead', null, el('tr', null, el('th', {text: t('location')}),
        el('th', {text: t('resources')}), el('th', {text: t('examples')}), el('th', {text: t('providers')}), el('th', {text: t('checks')}))), tb));
    }
    box.appendChild(res);
    return box;
  }

  /* ---------------------------------------------------------------- findings: filter, sort, page */

  function distinct(name) {
    var seen = {}, out = [];
    for (var i = 0; i < R.length; i++) { var v = cell(i, name); if (!seen[v]) { seen[v] = 1; out.push(v); } }
    return out.sort();
  }
  var distinctCache = {};
  function options(name) { return distinctCache[name] || (distinctCache[name] = distinct(name)); }

  function haystack(i) {
    var key = state.lang;
    if (!hay[key]) hay[key] = new Array(R.length);
    var h = hay[key][i];
    if (h === undefined) {
      h = [cell(i, 'check_id'), local(i, 'title'), cell(i, 'resource_id'), cell(i, 'resource_name'), local(i, 'message'),
        cell(i, 'location'), cell(i, 'scope'), cell(i, 'provider'), cell(i, 'resource_kind'), cell(i, 'native_type'),
        cell(i, 'fingerprint'), cell(i, 'origin'), cell(i, 'references')].join('\u0001').toLowerCase();
      hay[key][i] = h;
    }
    return h;
  }

  function matches(i) {
    var f = state.f;
    if (f.status && cell(i, 'status') !== f.status) return false;
    if (f.severity && cell(i, 'severity') !== f.severity) return false;
    if (f.category && cell(i, 'category') !== f.category) return false;
    if (f.provider && cell(i, 'provider') !== f.provider) return false;
    if (f.scope && cell(i, 'scope') !== f.scope) return false;
    if (f.framework && (' ' + cell(i, 'references')).indexOf(' ' + f.framework + ':') < 0) return false;
    if (terms.length) {
      var h = haystack(i);
      for (var k = 0; k < terms.length; k++) if (h.indexOf(terms[k]) < 0) return false;
    }
    return true;
  }

  var SORTERS = {
    status: function (i) { return STATUS_ORDER[cell(i, 'status')]; },
    severity: function (i) { return SEV_ORDER[cell(i, 'severity')]; },
    check_id: function (i) { return cell(i, 'check_id'); },
    title: function (i) { return local(i, 'title'); },
    provider: function (i) { return cell(i, 'provider'); },
    scope: function (i) { return cell(i, 'scope'); },
    location: function (i) { return cell(i, 'location'); },
    resource_name: function (i) { return cell(i, 'resource_name'); },
    message: function (i) { return local(i, 'message'); }
  };

  var terms = [];
  function compute() {
    terms = state.f.q ? state.f.q.toLowerCase().split(/\s+/).filter(Boolean) : [];
    var out = [];
    for (var i = 0; i < R.length; i++) if (matches(i)) out.push(i);
    if (state.sort) {
      var key = SORTERS[state.sort], keys = {};
      out.forEach(function (i) { keys[i] = key(i); });
      out.sort(function (a, b) {
        var x = keys[a], y = keys[b], c = x < y ? -1 : x > y ? 1 : a - b;
        return state.desc ? -c : c;
      });
    }
    view = out;
  }

  function select(name, values, label) {
    var s = el('select', {id: 'filter-' + name, 'aria-label': t(name === 'q' ? 'search' : name)});
    s.appendChild(el('option', {value: '', text: t('all')}));
    values.forEach(function (v) {
      var o = el('option', {value: v, text: label ? label(v) : v});
      if (state.f[name] === v) o.selected = true;
      s.appendChild(o);
    });
    s.addEventListener('change', function () { state.f[name] = s.value; refilter(); });
    return el('label', null, t(name), s);
  }

  var timer = null;
  function refilter() { state.page = 0; state.selected = -1; view = null; drawFindings(); }

  var COLUMNS = [['status', 'status'], ['severity', 'severity'], ['check_id', 'check'], ['title', 'titleCol'],
    ['provider', 'provider'], ['scope', 'scope'], ['location', 'location'], ['resource_name', 'resource'], ['message', 'message']];

  function findingsSection() {
    var box = el('section', {id: 'findings'});
    var filters = el('div', {cls: 'filters'});
    var present = {};
    options('status').forEach(function (s) { present[s] = 1; });
    filters.appendChild(select('status', STATUSES.filter(function (s) { return present[s]; }), statusName));
    var sevs = {}; options('severity').forEach(function (s) { sevs[s] = 1; });
    filters.appendChild(select('severity', SEVERITIES.filter(function (s) { return sevs[s]; }), sevName));
    filters.appendChild(select('category', options('category'), catName));
    filters.appendChild(select('provider', options('provider')));
    filters.appendChild(select('scope', options('scope')));
    filters.appendChild(select('framework', D.frameworks.map(function (f) { return f.id; }), function (id) {
      var fw = D.frameworks.filter(function (f) { return f.id === id; })[0];
      return fw ? fw.id + ' — ' + fw.title[state.lang] : id;
    }));
    var q = el('input', {type: 'search', id: 'filter-q', placeholder: t('search'), 'aria-label': t('search')});
    q.value = state.f.q;
    q.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.f.q = q.value.trim(); refilter(); }, 120);
    });
    filters.appendChild(el('label', null, t('search'), q));
    filters.appendChild(el('button', {id: 'filter-reset', type: 'button', text: t('reset'), on: {click: function () {
      Object.keys(state.f).forEach(function (k) { state.f[k] = ''; });
      state.page = 0; state.selected = -1; view = null;
      draw();
    }}}));
    box.appendChild(filters);
    box.appendChild(el('div', {id: 'findings-body'}));
    return box;
  }

  function drawFindings() {
    var host = document.getElementById('findings-body');
    if (!host) return;
    if (!view) compute();
    var layout = el('div', {cls: state.selected >= 0 ? 'layout with-detail' : 'layout'});
    var left = el('div');
    var n = view.length, pages = Math.max(1, Math.ceil(n / PAGE));
    if (state.page >= pages) state.page = pages - 1;
    var a = state.page * PAGE, b = Math.min(n, a + PAGE);
    var info = el('span', {id: 'findings-count', text: t('showing').replace('{a}', n ? a + 1 : 0).replace('{b}', b).replace('{n}', n)});
    var prev = el('button', {type: 'button', id: 'page-prev', text: t('prev')});
    var next = el('button', {type: 'button', id: 'page-next', text: t('next')});
    prev.disabled = state.page === 0; next.disabled = state.page >= pages - 1;
    prev.addEventListener('click', function () { state.page--; drawFindings(); });
    next.addEventListener('click', function () { state.page++; drawFindings(); });
    left.appendChild(el('div', {cls: 'pager'}, prev, next, info, el('span', {cls: 'muted', text: t('sortHint')})));
    var head = el('tr');
    COLUMNS.forEach(function (c) {
      var arrow = state.sort === c[0] ? (state.desc ? ' ▼' : ' ▲') : '';
      head.appendChild(el('th', {cls: 'sortable', 'data-col': c[0], text: t(c[1]) + arrow, on: {click: function () {
        if (state.sort === c[0]) state.desc = !state.desc; else { state.sort = c[0]; state.desc = false; }
        view = null; state.page = 0; drawFindings();
      }}}));
    });
    var body = el('tbody');
    for (var k = a; k < b; k++) body.appendChild(row(view[k]));
    var table = el('table', {id: 'findings-table'}, el('thead', null, head), body);
    left.appendChild(n ? table : el('div', {cls: 'empty', text: t('none')}));
    layout.appendChild(left);
    if (state.selected >= 0) layout.appendChild(detail(state.selected));
    host.replaceChildren(layout);
  }

  function row(i) {
    var tr = el('tr', {cls: 'row' + (i === state.selected ? ' selected' : ''), 'data-fingerprint': cell(i, 'fingerprint'), tabindex: '0'},
      el('td', null, badge('st', cell(i, 'status'), statusName(cell(i, 'status')))),
      el('td', null, badge('sev', cell(i, 'severity'), sevName(cell(i, 'severity')))),
      el('td', {text: cell(i, 'check_id')}),
      el('td', {text: local(i, 'title')}),
      el('td', {text: cell(i, 'provider')}),
      el('td', {cls: 'wrap', text: cell(i, 'scope')}),
      el('td', {text: cell(i, 'location')}),
      el('td', {cls: 'wrap', text: cell(i, 'resource_name')}),
      el('td', {cls: 'wrap', text: local(i, 'message')}));
    function open() { state.selected = i; drawFindings(); }
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', function (e) { if (e.key === 'Enter') open(); });
    return tr;
  }

  function refTitle(ref) {
    var parts = ref.split(':'), fwId = parts.shift(), ctl = parts.join(':');
    var fw = D.frameworks.filter(function (f) { return f.id === fwId; })[0];
    if (!fw) return ref;
    var c = fw.controls.filter(function (x) { return x.id === ctl; })[0];
    return fw.id + ' ' + ctl + (c ? ' — ' + c.title[state.lang] : '');
  }

  function factText(v) {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object' && !Array.isArray(v) && typeof v.unknown === 'string') return 'unknown (' + v.unknown + ')';
    if (Array.isArray(v) && v.every(function (x) { return x === null || typeof x !== 'object'; })) return '[' + v.join(', ') + ']';
    return JSON.stringify(v, null, 1);
  }

  function detail(i) {
    var box = el('aside', {cls: 'panel detail', id: 'detail', 'aria-label': local(i, 'title')});
    box.appendChild(el('button', {cls: 'close', type: 'button', id: 'detail-close', text: t('close'), on: {click: function () {
      state.selected = -1; drawFindings();
    }}}));
    box.appendChild(el('h2', {id: 'detail-title', text: cell(i, 'check_id') + ' ' + local(i, 'title')}));
    box.appendChild(el('p', null, badge('st', cell(i, 'status'), statusName(cell(i, 'status'))), ' ',
      badge('sev', cell(i, 'severity'), sevName(cell(i, 'severity'))), ' ', catName(cell(i, 'category'))));
    box.appendChild(el('p', {id: 'detail-message', text: local(i, 'message')}));
    var dl = el('dl');
    function item(label, value) { if (value) { dl.appendChild(el('dt', {text: label})); dl.appendChild(el('dd', {text: value})); } }
    item(t('resourceName'), cell(i, 'resource_name'));
    item(t('resourceId'), cell(i, 'resource_id'));
    item(t('kind'), cell(i, 'resource_kind'));
    item(t('nativeType'), cell(i, 'native_type'));
    item(t('provider'), cell(i, 'provider'));
    item(t('scope'), cell(i, 'scope'));
    item(t('location'), cell(i, 'location'));
    item(t('origin'), cell(i, 'origin') ? t('code') + ': ' + cell(i, 'origin') : t('live'));
    item(t('muted'), cell(i, 'muted_reason'));
    item(t('fingerprint'), cell(i, 'fingerprint'));
    box.appendChild(dl);
    box.appendChild(el('h3', {text: t('evidence')}));
    var ev = R[i][COL.evidence];
    if (ev < 0) box.appendChild(el('p', {cls: 'muted', text: t('noEvidence')}));
    else {
      var facts = JSON.parse(EV[ev]), edl = el('dl', {id: 'detail-evidence'});
      Object.keys(facts).forEach(function (k) {
        var v = facts[k];
        edl.appendChild(el('dt', {text: k}));
        edl.appendChild(el('dd', null, el('pre', {text: factText(v)})));
      });
      box.appendChild(edl);
    }
    box.appendChild(el('h3', {text: t('remediation')}));
    box.appendChild(el('p', {id: 'detail-remediation', text: local(i, 'remediation')}));
    var refs = cell(i, 'references');
    if (refs) {
      box.appendChild(el('h3', {text: t('references')}));
      var ul = el('ul', {id: 'detail-references'});
      refs.split(' ').forEach(function (r) { ul.appendChild(el('li', {text: refTitle(r)})); });
      box.appendChild(ul);
    }
    return box;
  }

  /* ---------------------------------------------------------------- frameworks and errors */

  function coverageBar(percent) {
    var s = svg('svg', {width: 160, height: 12, viewBox: '0 0 160 12', role: 'img'});
    s.appendChild(svg('rect', {x: 0, y: 0, width: 160, height: 12, rx: 3, fill: '#e3e7ec'}));
    s.appendChild(svg('rect', {x: 0, y: 0, width: Math.round(160 * percent / 100), height: 12, rx: 3, fill: '#2e7d32'}));
    return s;
  }

  function frameworksSection() {
    var box = el('section', {id: 'frameworks'});
    D.frameworks.forEach(function (fw) {
      var p = el('div', {cls: 'panel framework', 'data-framework': fw.id});
      p.appendChild(el('h2', {text: fw.title[state.lang] + ' (' + fw.id + ')'}));
      p.appendChild(el('p', null, t('edition') + ': ' + (fw.edition || '—') + ' · ' + t('relation') + ': ' +
        (fw.relation ? t(fw.relation) : '—') + ' · ' + t('coverage') + ': ',
        el('strong', {cls: 'coverage', text: fw.percent + '% (' + fw.covered + '/' + fw.total + ')'}), ' ', coverageBar(fw.percent)));
      var tb = el('tbody');
      fw.controls.forEach(function (c) {
        var res = Object.keys(c.results).sort(function (x, y) { return STATUS_ORDER[x] - STATUS_ORDER[y]; });
        var cellRes = el('td');
        res.forEach(function (s) { cellRes.appendChild(badge('st', s, statusName(s) + ' ' + c.results[s])); cellRes.appendChild(document.createTextNode(' ')); });
        var tr = el('tr', {cls: res.length ? 'row' : '', 'data-control': c.id}, el('td', {text: c.id}), el('td', {text: c.title[state.lang]}),
          el('td', {text: c.checks.length ? c.checks.join(', ') : t('notCovered'), cls: c.checks.length ? '' : 'muted'}), cellRes);
        if (res.length) tr.addEventListener('click', function () { pick({framework: fw.id, q: fw.id + ':' + c.id})(''); });
        tb.appendChild(tr);
      });
      p.appendChild(el('table', null, el('thead', null, el('tr', null, el('th', {text: t('control')}), el('th', {text: t('titleCol')}),
        el('th', {text: t('covering')}), el('th', {text: t('results')}))), tb));
      box.appendChild(p);
    });
    return box;
  }

  function errorsSection() {
    var box = el('section', {id: 'errors'});
    if (!D.errors.length) { box.appendChild(el('p', {cls: 'empty', text: t('noErrors')})); return box; }
    var tb = el('tbody');
    D.errors.forEach(function (e) {
      tb.appendChild(el('tr', null, el('td', {text: e.provider}), el('td', {cls: 'wrap', text: e.scope}), el('td', {text: e.service}),
        el('td', {text: e.region}), el('td', {text: e.operation}), el('td', {cls: 'wrap', text: e.reason}), el('td', {text: (e.kinds || []).join(', ')})));
    });
    box.appendChild(el('table', {id: 'errors-table'}, el('thead', null, el('tr', null, el('th', {text: t('provider')}), el('th', {text: t('scope')}),
      el('th', {text: t('service')}), el('th', {text: t('region')}), el('th', {text: t('operation')}), el('th', {text: t('reason')}),
      el('th', {text: t('kinds')}))), tb));
    return box;
  }

  /* ---------------------------------------------------------------- page */

  function draw() {
    document.documentElement.lang = state.lang;
    document.title = t('title');
    var app = document.getElementById('app');
    var m = D.meta;
    var langs = el('div', {cls: 'langswitch', role: 'group', 'aria-label': t('language')});
    [['ja', '日本語'], ['en', 'English']].forEach(function (x) {
      langs.appendChild(el('button', {type: 'button', id: 'lang-' + x[0], 'aria-pressed': String(state.lang === x[0]), text: x[1],
        on: {click: function () { state.lang = x[0]; draw(); }}}));
    });
    var header = el('header', null, el('h1', {text: t('title')}),
      el('span', {cls: 'meta', text: t('scanned') + ': ' + (m.started_at || '—') + ' → ' + (m.finished_at || '—') + ' · ' +
        t('version') + ' ' + m.version + ' · ' + t('targets') + ': ' + (m.targets.join(', ') || '—')}),
      el('span', {cls: 'spacer'}), langs);
    var nav = el('nav', {role: 'tablist'});
    [['overview', 'overview'], ['findings', 'findings'], ['frameworks', 'frameworks'], ['errors', 'errors']].forEach(function (x) {
      var label = t(x[1]) + (x[0] === 'errors' ? ' (' + D.errors.length + ')' : x[0] === 'findings' ? ' (' + R.length + ')' : '');
      nav.appendChild(el('button', {type: 'button', role: 'tab', id: 'tab-' + x[0], 'aria-selected': String(state.tab === x[0]), text: label,
        on: {click: function () { state.tab = x[0]; draw(); }}}));
    });
    var main = el('main');
    if (state.tab === 'overview') main.appendChild(overview());
    else if (state.tab === 'findings') main.appendChild(findingsSection());
    else if (state.tab === 'frameworks') main.appendChild(frameworksSection());
    else main.appendChild(errorsSection());
    app.replaceChildren(header, nav, main);
    if (state.tab === 'findings') drawFindings();
    document.body.setAttribute('data-ready', '1');
  }

  draw();
}());
