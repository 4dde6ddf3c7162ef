/*
 * Every word the page shows, in Japanese (default) and English.
 *
 * Elements carry data-i18n="key" (text) or data-i18n-attr="attr:key" (an attribute);
 * applyLanguage() fills them. Messages with {name} placeholders are formatted by t().
 */

export const messages = {
  ja: {
    title: 'Pseudocitizen — 疑似市民データ',
    tagline: '住民データから、地区ごとの集計はそのままに、一件一件は新しい「疑似市民データ」を作ります。データはこのパソコンの外に出ません。',
    langToggle: 'English',
    stepLoad: '1. ファイルを読み込む',
    loadHelp: 'CSV/TSV ファイルをここにドロップするか、選んでください。',
    fileInput: 'ファイルを選ぶ',
    sampleButton: 'サンプル（架空の市）で試す',
    fileInfo: '{name}: {rows} 行 × {columns} 列、文字コード {encoding}、区切り {delimiter}',
    preview: '先頭の行',
    stepRoles: '2. 列の扱い',
    rolesHelp: '地区（クラスタ）の列を選び、個人を特定できる列（番号・氏名・住所など）は「出力しない」にします。地区ごとに、他の列の値が住民の間で入れ替わります。',
    clusterSelect: '地区（クラスタ）の列',
    chooseCluster: '選んでください',
    colName: '列名',
    colDistinct: '値の種類',
    colMissing: '空欄',
    colDrop: '出力しない',
    colRole: '扱い',
    roleCluster: '地区',
    roleDrop: '出力しない',
    roleSwap: '地区内で入れ替え',
    stepSettings: '3. 設定',
    seedInput: '乱数の種（シード）',
    seedHelp: '同じファイル・設定・種からは同じ結果になります。種は元データと同じく秘密にしてください。',
    outputEncoding: '出力の文字コード',
    encUtf8Bom: 'UTF-8（BOM付き・Excel向け）',
    encUtf8: 'UTF-8（BOMなし）',
    encSjis: 'Shift_JIS',
    stepRun: '4. 実行',
    runButton: '疑似データを作る',
    cancelButton: '中止',
    stage_reading: '読み込み中',
    stage_clustering: '地区に分けています',
    stage_synthesising: '疑似データを作成中',
    stage_writing: '書き出し中',
    stage_loading: '準備中',
    stage_done: '完了',
    stage_cancelled: '中止しました',
    stepCheck: '5. 確認とダウンロード',
    summary: '{rowsIn} 行から {rowsOut} 行の疑似データを作りました（{clusters} 地区、{columns} 列を出力、{dropped} 列を削除）。',
    clusterTable: '地区ごとの人数',
    clusterLabel: '地区',
    rowsOriginal: '元データ',
    rowsPseudo: '疑似データ',
    match: '一致',
    downloadCsv: '疑似データ（CSV）をダウンロード',
    downloadReport: '結果の要約（JSON）をダウンロード',
    downloadRecipe: '設定（レシピ）をダウンロード',
    errorPrefix: 'エラー',
    errorWhere: '{line} 行目',
    errorWhereColumn: '{line} 行目 {column} 列目',
    errorNext: '内容を確かめて、別のファイルを選ぶか設定を直してください。',
    offline: 'このページは通信しません。',
  },
  en: {
    title: 'Pseudocitizen — pseudo-citizen data',
    tagline: 'Turns resident data into pseudo-citizen data: every district keeps its totals, every record is new. Your data never leaves this computer.',
    langToggle: '日本語',
    stepLoad: '1. Load a file',
    loadHelp: 'Drop a CSV/TSV file here, or choose one.',
    fileInput: 'Choose a file',
    sampleButton: 'Try the sample (a made-up city)',
    fileInfo: '{name}: {rows} rows × {columns} columns, encoding {encoding}, delimiter {delimiter}',
    preview: 'First rows',
    stepRoles: '2. Columns',
    rolesHelp: 'Choose the district (cluster) column, and mark columns that identify a person (numbers, names, addresses) as "do not output". Within each district, the other columns\' values are swapped among residents.',
    clusterSelect: 'District (cluster) column',
    chooseCluster: 'Choose…',
    colName: 'Column',
    colDistinct: 'Distinct values',
    colMissing: 'Blank',
    colDrop: 'Do not output',
    colRole: 'Treatment',
    roleCluster: 'District',
    roleDrop: 'Not output',
    roleSwap: 'Swapped within district',
    stepSettings: '3. Settings',
    seedInput: 'Random seed',
    seedHelp: 'The same file, settings and seed give the same result. Keep the seed as secret as the data.',
    outputEncoding: 'Output encoding',
    encUtf8Bom: 'UTF-8 with BOM (for Excel)',
    encUtf8: 'UTF-8 (no BOM)',
    encSjis: 'Shift_JIS',
    stepRun: '4. Run',
    runButton: 'Make pseudo data',
    cancelButton: 'Cancel',
    stage_reading: 'Reading',
    stage_clustering: 'Grouping into districts',
    stage_synthesising: 'Making pseudo data',
    stage_writing: 'Writing',
    stage_loading: 'Preparing',
    stage_done: 'Done',
    stage_cancelled: 'Cancelled',
    stepCheck: '5. Check and download',
    summary: 'Made {rowsOut} pseudo rows from {rowsIn} ({clusters} districts, {columns} columns written, {dropped} dropped).',
    clusterTable: 'Residents per district',
    clusterLabel: 'District',
    rowsOriginal: 'Original',
    rowsPseudo: 'Pseudo',
    match: 'Match',
    downloadCsv: 'Download the pseudo data (CSV)',
    downloadReport: 'Download the summary (JSON)',
    downloadRecipe: 'Download the settings (recipe)',
    errorPrefix: 'Error',
    errorWhere: 'line {line}',
    errorWhereColumn: 'line {line}, column {column}',
    errorNext: 'Check the file, then choose another file or change the settings.',
    offline: 'This page makes no network connections.',
  },
};

let language = 'ja';

export function currentLanguage() {
  return language;
}

/** The message `key` in the current language, with {placeholders} filled from `values`. */
export function t(key, values = {}) {
  const text = messages[language][key] ?? messages.ja[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : `{${name}}`));
}

/** Switches the language and refills every data-i18n element under `root`. */
export function applyLanguage(lang, root = document) {
  language = lang in messages ? lang : 'ja';
  document.documentElement.lang = language;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      el.setAttribute(attr, t(key));
    }
  }
  document.title = t('title');
}
