// The stored-XSS sweep (reliability plan, row 14) in Debian's Chromium
// (headless). The payloads of xss-payloads.txt are stored through the JSON
// API in every free-text field of every kind of record (read from the
// OpenAPI document), in a webhook's URL, a survey answer, a follow-up, a lost
// deal's reason, and in the cells, headers and file names of imports; then
// every kind of page is rendered: the dashboard (zh and en, with payload
// filters, every chart hovered for its tooltips), the explanation pages,
// every list (paged, searched and filtered with payloads), record pages of
// every kind, the customer page and its timeline, the pool, the pipeline and
// its stage-move dialog, the forms and their errors beside the fields, new-
// record forms preset with payloads, the import preview, report and rejected
// download, error pages, the login page's error, and the survey page. The
// sweep runs with the Content-Security-Policy bypassed, so that escaping alone
// is tested, and once more with it on. Pass: 0 script executions and 0
// `javascript:`/`data:` URLs, `on*` attributes or foreign elements in any
// page. The server sends no e-mail, so there are no e-mails to render.
//
// The payload records belong to payload users in payload teams, so the other
// browser tests' users (the east team's manager, rep001) never see them; at
// the end the records everybody sees (marketing spend, the public pool) are
// removed or given an owner again, and the webhooks deleted.
//
// Environment: SALESBOARD_URL, SALESBOARD_ADMIN_EMAIL, SALESBOARD_PASSWORD,
// SALESBOARD_DB and SALESBOARD_BIN (for an API token), SCREENSHOTS, CHROMIUM;
// XSS_RECORDS (records per kind, default 200), XSS_RECORD_PAGES (record
// pages per kind, default 8).
import { execFileSync } from "node:child_process";

import { base, check, finish, launch, password, shots } from "./harness.mjs";
import { hooks, inspect, Tally, visit, watchForXss } from "./xss-audit.mjs";
import { client, KINDS, loadPayloads, pool, seed } from "./xss-seed.mjs";

const admin = process.env.SALESBOARD_ADMIN_EMAIL;
const COUNT = Number(process.env.XSS_RECORDS || 200);
const RECORD_PAGES = Number(process.env.XSS_RECORD_PAGES || 8);
const year = new Date().getUTCFullYear();
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const q = encodeURIComponent;

const payloads = loadPayloads();
check(payloads.length >= 200 && new Set(payloads).size === payloads.length,
  `the corpus has ${payloads.length} distinct payloads (at least 200)`);

const token = execFileSync(process.env.SALESBOARD_BIN, ["--db", process.env.SALESBOARD_DB, "user", "token", "--email", admin, "--label", "xss-sweep"],
  { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
const call = client(base, token);
const tally = new Tally(new URL(base).origin);
const cspTally = new Tally(new URL(base).origin);
const browser = await launch();
let seeded = null;
const webhooks = [];

/** A new watched page of a context (the hooks are installed on the context). */
async function newPage(context, which = tally) {
  const page = await context.newPage();
  watchForXss(page, which);
  return page;
}

/** Every page of a list of records sorted newest first (the payload records lead). */
async function listPages(page, kind, sort, pages) {
  for (let p = 1; p <= pages; p++) await visit(page, tally, base, `/${kind}?sort=${sort}&page=${p}`);
}

async function dashboard(page, tally_, path) {
  await visit(page, tally_, base, path);
  await page.waitForFunction(() => typeof echarts !== "undefined" && document.querySelectorAll(".chart canvas").length >= 8, null, { timeout: 20000 });
}

// Moves the mouse over every chart in a grid, so that every tooltip and
// hover label is drawn; then inspects the page again.
async function hoverCharts(page, tally_, label) {
  const boxes = await page.evaluate(() => [...document.querySelectorAll(".chart")].map((el) => {
    const chart = echarts.getInstanceByDom(el);
    if (chart) chart.setOption({ animation: false });
    const r = el.getBoundingClientRect();
    return { x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height };
  }));
  let moves = 0;
  for (const box of boxes) {
    await page.evaluate((y) => window.scrollTo(0, Math.max(0, y - 200)), box.y);
    const top = await page.evaluate(() => window.scrollY);
    for (let col = 1; col <= 10; col++) {
      await page.mouse.move(box.x + (box.w * col) / 11, box.y - top + box.h * 0.55);
      moves += 1;
    }
  }
  await inspect(page, tally_, `${label} (hovered)`);
  return moves;
}

/**
 * Plants a payload that runs, in a page of `context` (its own tally), so
 * that a run shows its detectors see one: with the CSP bypassed, the dialog,
 * the `on*` attribute and the `javascript:` link; with it on, the violation.
 */
async function canary(context) {
  const seen = new Tally(new URL(base).origin);
  const planted = await newPage(context, seen);
  await planted.goto(`${base}/login`);
  await planted.evaluate(() => document.body.insertAdjacentHTML("beforeend",
    `<img src=x onerror="alert('XSS-canary')"><a href="javascript:alert('XSS-canary')">x</a>`));
  await inspect(planted, seen, "the canary");
  await planted.close();
  return seen;
}

/** A CSV cell, quoted. */
const cell = (text) => `"${String(text).replaceAll('"', '""')}"`;

/** The customers import file: every payload in a row, in every text cell and three headers. */
function importFile(run, owners) {
  const extra = [payloads[3], payloads[27], payloads[101]];
  const header = ["customer_id", "name", "kind", "industry", "region", "channel", "owner", "created_at", "phone", "email", ...extra];
  const rows = payloads.map((p, i) => {
    const at = (k) => payloads[(i + k) % payloads.length];
    return [`xss-imp-${run}-${i}`, p, i % 9 === 4 ? at(1) : "company", at(2), at(3), at(4), owners[i % owners.length],
      i % 11 === 5 ? at(5) : `${year}-01-15`, at(6), i % 13 === 6 ? at(7) : `xss${i}@example.invalid`, at(8), at(9), at(10)];
  });
  return [header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

async function previewImport(page, name, text) {
  await page.setInputFiles("#import-file", { name, mimeType: "text/csv", buffer: Buffer.from(text) });
  await page.selectOption("#import-kind", "customers");
  await page.click("#import-preview");
  await page.waitForFunction(() => !document.getElementById("import-result").hidden || !document.getElementById("import-error").hidden, null, { timeout: 30000 });
}

/** Prints what both passes found and checks that it is nothing. */
function report() {
  for (const [name, t] of [["CSP bypassed", tally], ["CSP on", cspTally]]) {
    const statuses = [...t.statuses].map(([s, n]) => `${s}×${n}`).join(" ");
    console.log(`== ${name}: ${t.pages} page states inspected (statuses ${statuses})`);
    console.log(`   script executions: ${t.executions.length}; a[href^=javascript:]: ${t.selectors.javascriptHref}; [src^=javascript:]: ${t.selectors.javascriptSrc}; [href^=data:]: ${t.selectors.dataHref}; ` +
      `DOM findings (on* attributes, script URLs, foreign elements): ${t.dom.length}; CSP script violations: ${t.cspScript.length}; requests leaving the server: ${t.outside.length}; page errors: ${t.pageErrors.length}`);
    check(t.executions.length === 0, `${name}: 0 script executions${t.executions.length ? ": " + t.executions.slice(0, 8).join(" | ") : ""}`);
    check(t.selectors.javascriptHref + t.selectors.javascriptSrc + t.selectors.dataHref === 0, `${name}: 0 javascript:/data: links and sources`);
    check(t.dom.length === 0, `${name}: 0 on* attributes, script URLs or foreign elements in the DOM${t.dom.length ? ": " + t.dom.slice(0, 8).join(" | ") : ""}`);
    check(t.cspScript.length === 0, `${name}: 0 script-src violations${t.cspScript.length ? ": " + t.cspScript.slice(0, 5).join(" | ") : ""}`);
    check(t.outside.length === 0, `${name}: 0 requests leaving the server${t.outside.length ? ": " + t.outside.slice(0, 5).join(" | ") : ""}`);
    check(t.pageErrors.length === 0, `${name}: 0 page errors${t.pageErrors.length ? ": " + t.pageErrors.slice(0, 5).join(" | ") : ""}`);
    if (t.cspOther.length) console.log(`   other CSP reports: ${t.cspOther.slice(0, 5).join(" | ")}`);
  }
  check(tally.pages >= 250 && cspTally.pages >= 25, `pages inspected: ${tally.pages} with the CSP bypassed, ${cspTally.pages} with it on`);
}

try {
  // ---- 1. Seed through the API.
  console.log(`== seeding ${COUNT} records of each kind with ${payloads.length} payloads`);
  seeded = await seed(call, payloads, COUNT, { log: console.log });
  const { keys, refusals, failures, fieldsCovered } = seeded;
  for (const [field, [times, message]] of refusals) console.log(`     ${field} refuses payloads (${times}×): ${String(message).slice(0, 140)}`);
  check(failures.length === 0, `every payload record was written${failures.length ? ": " + failures.slice(0, 5).join(" | ") : ""}`);
  const all = Object.entries(fieldsCovered).flatMap(([k, fs]) => fs.map((f) => `${k}.${f}`));
  const stored = all.filter((f) => seeded.accepted.has(f));
  const refusing = all.filter((f) => !seeded.accepted.has(f) && refusals.has(f));
  check(stored.length + refusing.length === all.length && stored.length >= 25,
    `of ${all.length} free-text fields, ${stored.length} hold payloads (${COUNT} records each: ${stored.join(" ")}) and ${refusing.length} refuse them with 422 (${refusing.join(" ")})`);
  console.log(`   seeded at ${elapsed()}`);

  // Webhooks: a payload as the URL, and a payload inside a valid URL.
  const raw = await call("POST", "/api/v1/webhooks", { url: payloads[136], events: ["kpi.alert"] });
  console.log(`     a webhook to ${payloads[136]}: ${raw.status} ${raw.body && raw.body.message}`);
  if (raw.status === 201) webhooks.push(raw.body.id);
  for (const p of [payloads[0], payloads[230], payloads[139]]) {
    const made = await call("POST", "/api/v1/webhooks", { url: `https://xss.invalid/hook?q=${p}`, events: ["kpi.alert"] });
    if (made.status === 201) webhooks.push(made.body.id);
  }
  check(webhooks.length >= 3, `${webhooks.length} webhooks with payload URLs`);

  // ---- 2. The admin, with the CSP bypassed.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1366, height: 900 }, locale: "zh-CN", acceptDownloads: true });
  await context.addInitScript(hooks);
  const page = await newPage(context);
  await page.goto(`${base}/login`);
  await page.fill('input[name="email"]', admin);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type="submit"]')]);

  const planted = await canary(context);
  check(planted.executions.length === 1 && planted.selectors.javascriptHref === 1 && planted.dom.length >= 3,
    `a planted payload is seen with the CSP bypassed: ${planted.executions.length} execution, ${planted.dom.length} DOM findings (${planted.dom.join(" | ").slice(0, 160)})`);

  // The dashboard in both languages, with payload filters; every chart hovered.
  const user = (n) => keys.users[n];
  const userRecord = (await call("GET", `/api/v1/users/${q(user(7))}`)).body;
  const customer7 = (await call("GET", `/api/v1/customers/${q(keys.customers[7])}`)).body;
  const product7 = (await call("GET", `/api/v1/products/${q(keys.products[7])}`)).body;
  let moves = 0;
  for (const path of [`/?lang=en`, `/?period=${year}&lang=zh`]) {
    await dashboard(page, tally, path);
    if (path === "/?lang=en") {
      moves += await hoverCharts(page, tally, path);
      await page.screenshot({ path: `${shots}/xss-dashboard-en.png`, fullPage: true });
    }
  }
  for (const [dim, value] of [["team", userRecord.team], ["rep", user(7)], ["channel", customer7.channel], ["region", customer7.region], ["category", product7.category]]) {
    const path = `/?period=${year}&filter=${q(`${dim}=${value}`)}`;
    const t0 = Date.now();
    await dashboard(page, tally, path);
    console.log(`     the dashboard filtered by ${dim} in ${Date.now() - t0} ms`);
    if (dim === "team") moves += await hoverCharts(page, tally, `dashboard filtered by ${dim}`);
  }
  await page.screenshot({ path: `${shots}/xss-dashboard-team.png`, fullPage: true });
  console.log(`   dashboards at ${elapsed()}, ${moves} mouse moves over charts`);

  // Explanations with payload filters and names.
  for (const path of [
    `/explain/revenue?period=${year}&filter=${q(`channel=${customer7.channel}`)}`,
    `/explain/revenue?period=${year}&filter=${q(`team=${userRecord.team}`)}`,
    `/explain/cac_by_channel?period=${year}&channel=${q(customer7.channel)}`,
    `/explain/rep.revenue?period=${year}&rep=${q(user(7))}`,
    `/explain/rep.attainment?period=${year}&rep=${q(user(8))}`,
    `/explain/new_customers?period=${year}&filter=${q(`region=${customer7.region}`)}`,
    `/explain/${q(payloads[0])}`,
    `/explain/revenue?period=${q(payloads[27])}`,
    `/explain/revenue?filter=${q(payloads[1])}`,
  ]) await visit(page, tally, base, path);

  // Every list, newest first, with every payload record; searched and filtered.
  const teamIds = (await call("GET", `/api/v1/teams?per_page=500&sort=-created_at`)).body.items.map((t) => t.team_id);
  const listKinds = [...KINDS, "teams"];
  for (const kind of listKinds) {
    const sort = kind === "teams" ? "-created_at" : "-updated_at";
    await listPages(page, kind, sort, Math.ceil(COUNT / 50));
  }
  for (const [i, kind] of listKinds.entries()) {
    await visit(page, tally, base, `/${kind}?q=${q(payloads[i * 17])}`);
    const texts = fieldsCovered[kind] || ["name"]; // teams: not written through the API
    const field = texts[1] || texts[0];
    await visit(page, tally, base, `/${kind}?${field}=${q(payloads[i * 17 + 1])}&sort=${q(payloads[i * 17 + 2])}&page=${q(payloads[i * 17 + 3])}`);
  }
  await visit(page, tally, base, `/customers?channel=${q(customer7.channel)}&owner=${q(user(7))}`);
  await visit(page, tally, base, `/customers?lang=en&sort=-updated_at`);
  await visit(page, tally, base, `/users?lang=zh&sort=-updated_at`);
  await visit(page, tally, base, `/pool`);
  await visit(page, tally, base, `/pool?q=XSS`);
  await page.screenshot({ path: `${shots}/xss-customers.png` });
  console.log(`   lists at ${elapsed()}`);

  // Record pages of every kind (every step-th record, from a different one
  // for each kind), the customer page with its timeline, and new forms
  // preset with payloads.
  const step = Math.max(1, Math.floor(COUNT / RECORD_PAGES));
  for (const [j, kind] of KINDS.entries()) {
    for (let n = j % step; n < COUNT; n += step) {
      const id = keys[kind][n];
      if (id != null) await visit(page, tally, base, `/${kind}/${q(id)}`);
    }
    const presets = (fieldsCovered[kind] || []).map((f, i) => `${f}=${q(payloads[(j * 31 + i) % payloads.length])}`);
    await visit(page, tally, base, `/${kind}/new?${presets.join("&")}&customer_id=${q(payloads[j])}`);
  }
  for (const id of teamIds.slice(0, RECORD_PAGES)) await visit(page, tally, base, `/teams/${q(id)}`);
  console.log(`   record pages at ${elapsed()}`);

  // A follow-up with a payload note, logged from the customer page.
  await visit(page, tally, base, `/customers/${q(keys.customers[7])}`);
  await page.click('#follow-up .chip:has(input[value="visit"])');
  await page.fill('#follow-up textarea[name="note"]', payloads[8]);
  await Promise.all([page.waitForEvent("load"), page.click('#follow-up button[type="submit"]')]);
  await inspect(page, tally, "the customer page after a payload follow-up");
  check((await page.textContent("#timeline")).includes(payloads[8]), "the payload follow-up is on the timeline, as text");
  await page.screenshot({ path: `${shots}/xss-customer.png`, fullPage: true });

  // Forms: every text box of every new form holds a payload; the server's
  // errors are shown beside the fields.
  const errors = [];
  for (const [j, kind] of KINDS.entries()) {
    await visit(page, tally, base, `/${kind}/new`);
    const boxes = page.locator('#record-form input[type="text"]:not([readonly]), #record-form textarea, #record-form input:not([type])');
    const n = await boxes.count();
    for (let i = 0; i < n; i++) await boxes.nth(i).fill(payloads[(j * 13 + i * 7) % payloads.length]);
    const before = page.url();
    await page.click('#record-form button[type="submit"]');
    await page.waitForFunction((url) => location.href !== url || [...document.querySelectorAll(".field-error, #form-error")].some((e) => !e.hidden), before, { timeout: 10000 }).catch(() => {});
    await inspect(page, tally, `the ${kind} form after saving payloads`);
    const shown = await page.$$eval(".field-error:not([hidden]), #form-error:not([hidden])", (es) => es.map((e) => `${e.id}: ${e.textContent}`));
    errors.push(`${kind}: ${shown.join(" | ") || page.url()}`);
  }
  for (const e of errors) console.log(`     ${e.slice(0, 160)}`);
  const quoted = errors.filter((e) => payloads.some((p) => e.includes(p)));
  check(quoted.length >= 3, `${quoted.length} forms show an error quoting a payload beside the field or form, as text`);
  await visit(page, tally, base, `/deals/new?customer_id=${q(keys.customers[9])}`);
  await page.fill('input[name="amount"]', payloads[0]);
  await page.click('#record-form button[type="submit"]');
  await page.waitForSelector("#error-amount:not([hidden])");
  await inspect(page, tally, "a deal form with a payload amount");
  const amountError = await page.textContent("#error-amount");
  // The message names the field (金额 in Chinese, amount in English) and
  // quotes the payload as text.
  check(/金额|amount/.test(amountError) && amountError.includes(payloads[0]),
    `a payload amount is refused beside the field, quoted as text: ${amountError.slice(0, 100)}`);
  await page.screenshot({ path: `${shots}/xss-form-error.png` });
  // A saved change of a record through its form.
  await visit(page, tally, base, `/contacts/${q(keys.contacts[11])}`);
  await page.fill('#record-form input[name="title"]', payloads[61]);
  await Promise.all([page.waitForEvent("load"), page.click('#record-form button[type="submit"]')]);
  await inspect(page, tally, "a contact saved with a payload title");

  // The pipeline: payload deals (one owner at a time), a card moved, and the
  // lost-reason dialog answered with a payload.
  for (const n of [0, 3, 6, 9]) await visit(page, tally, base, `/pipeline?owner=${q(user(n))}`);
  await visit(page, tally, base, `/pipeline`);
  await visit(page, tally, base, `/pipeline?owner=${q(user(12))}`);
  const card = page.locator(".deal-card").first();
  await card.locator("select.move-to").selectOption("lost");
  await page.waitForSelector("#lost-dialog[open]");
  await inspect(page, tally, "the pipeline's lost-reason dialog");
  await page.fill('#lost-form textarea[name="reason"]', payloads[9]);
  await Promise.all([page.waitForEvent("load"), page.click('#lost-form button[value="ok"]')]);
  await inspect(page, tally, "the pipeline after a payload lost reason");
  const moved = (await call("GET", `/api/v1/deals/${q(keys.deals[12])}`)).body;
  check(moved.status === "lost" && moved.lost_reason === payloads[9], `the deal was lost with the payload reason (${moved.status})`);
  await visit(page, tally, base, `/deals/${q(keys.deals[12])}`);
  await page.screenshot({ path: `${shots}/xss-pipeline.png` });
  console.log(`   forms and pipeline at ${elapsed()}`);

  // ---- 3. The import: payload cells, headers and file names; preview,
  // mapping, report and the rejected rows.
  const run = Date.now().toString(36);
  const owners = keys.users.filter(Boolean);
  const file = importFile(run, owners);
  await visit(page, tally, base, "/import");
  // File names: payloads without a slash (a browser sends only what follows the last one).
  const named = payloads.filter((p) => !/[\/\\]/.test(p));
  const fileName = `${named[0]}.csv`;
  await previewImport(page, fileName, file);
  await inspect(page, tally, "the import preview of a payload file");
  check(!(await page.isHidden("#import-result")), `the preview is shown: ${(await page.textContent("#import-result-title")).slice(0, 80)}`);
  const problems = await page.locator("#import-problems li").count();
  check(problems > 0, `the preview lists ${problems} problems quoting payloads`);
  await page.screenshot({ path: `${shots}/xss-import-preview.png`, fullPage: true });
  const headerSelect = page.locator(`select[data-header="${payloads[3].replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"]`);
  if (await headerSelect.count()) {
    await headerSelect.selectOption("-");
    await page.waitForTimeout(300);
    await page.waitForFunction(() => !document.getElementById("import-preview").disabled, null, { timeout: 30000 });
    await inspect(page, tally, "the import preview after a mapping change");
  }
  await page.check("#import-skip");
  await page.click("#import-start");
  await page.waitForSelector("#import-report:not([hidden])", { timeout: 60000 });
  await inspect(page, tally, "the import report");
  await page.screenshot({ path: `${shots}/xss-import-report.png`, fullPage: true });
  const download = page.locator("a.download").first();
  if (await download.count()) {
    const href = await download.getAttribute("href");
    const fetched = await page.evaluate(async (h) => {
      const r = await fetch(h, { credentials: "same-origin" });
      return { status: r.status, type: r.headers.get("content-type"), disposition: r.headers.get("content-disposition"), nosniff: r.headers.get("x-content-type-options"), text: await r.text() };
    }, href);
    check(href.startsWith("/api/v1/imports/") && fetched.status === 200 && /^text\/csv/.test(fetched.type) && /^attachment/.test(fetched.disposition) && fetched.nosniff === "nosniff",
      `the rejected rows download as a CSV attachment (${href.slice(0, 60)}: ${fetched.type}; ${String(fetched.disposition).slice(0, 60)})`);
    check(fetched.text.includes(payloads[4].replaceAll('"', '""')), "the rejected rows keep the payloads as written");
  } else {
    check(false, "the import report offers the rejected rows");
  }
  const tinyFile = ["customer_id,name,created_at", `xss-imp-${run}-x,${cell(payloads[5])},${year}-01-15`].join("\n");
  for (const p of named.filter((_, i) => i % 30 === 1)) {
    await visit(page, tally, base, "/import");
    await previewImport(page, `${p}.csv`, tinyFile);
    await inspect(page, tally, `the import preview of a file named ${p}`);
  }
  // The imported customers in their list.
  const imported = (await call("GET", `/api/v1/customers?per_page=1&q=${q(`xss-imp-${run}`)}`)).body.total;
  check(imported > COUNT, `the import wrote ${imported} payload customers`);
  for (let p = 1; p <= Math.ceil(imported / 50); p++) await visit(page, tally, base, `/customers?q=${q(`xss-imp-${run}`)}&page=${p}`);
  console.log(`   import at ${elapsed()}`);

  // ---- 4. Error pages and JSON answers shown in the browser.
  for (const path of [
    `/customers/${q(payloads[0])}x`, `/${q(payloads[27])}`, `/deals/${q(payloads[1])}/edit`, `/?period=${q(payloads[0])}`,
    `/?filter=${q(`channel=${payloads[2]}`)}&period=${year}`, `/?part=${q(payloads[3])}&year=${q(payloads[4])}`,
    `/assets/${q(payloads[5])}`, `/import?kind=${q(payloads[6])}`, `/pipeline?owner=${q(payloads[7])}`,
    `/customers?lang=${q(payloads[8])}`, `/setup`, `/api/v1/webhooks`, `/api/v1/customers?q=XSS&per_page=50`,
    `/api/v1/audit?per_page=20`, `/api/v1/customers/${q(payloads[0])}`,
  ]) await visit(page, tally, base, path);

  // ---- 5. Signed out: the login page's error and the survey page.
  const anonymous = await browser.newContext({ bypassCSP: true, locale: "zh-CN" });
  await anonymous.addInitScript(hooks);
  const outside = await newPage(anonymous);
  // One failed login (each counts against the address's 10 a minute).
  await visit(outside, tally, base, `/login?lang=en&next=${q(payloads[132])}`);
  await visit(outside, tally, base, `/login?lang=zh&next=${q(payloads[133])}`);
  await outside.evaluate(() => { document.getElementById("login-form").noValidate = true; });
  await outside.fill('input[name="email"]', payloads[0]);
  await outside.fill('input[name="password"]', payloads[1]);
  await outside.click('button[type="submit"]');
  await outside.waitForSelector("#login-error:not([hidden])");
  await inspect(outside, tally, "the login error");
  await outside.screenshot({ path: `${shots}/xss-login-error.png` });
  const links = [];
  for (const n of [7, 8, 9]) {
    const link = await call("POST", "/api/v1/survey-links", { customer_id: keys.customers[n] });
    if (link.status === 201) links.push(link.body.url);
  }
  check(links.length === 3, `3 survey links for payload customers (${links.length})`);
  if (links.length === 3) {
    await visit(outside, tally, base, links[0]);
    await outside.evaluate(() => document.querySelector("textarea[name=comment]").removeAttribute("maxlength"));
    await outside.check('input[name="score"] >> nth=3');
    await outside.fill("textarea[name=comment]", `${payloads[189]} ${"x".repeat(2001)}`);
    await Promise.all([outside.waitForEvent("load"), outside.click('button[type="submit"]')]);
    await inspect(outside, tally, "the survey page refusing a long payload comment");
    check((await outside.inputValue("textarea[name=comment]")).startsWith(payloads[189]), "the refused comment is given back in its box, as text");
    await outside.fill("textarea[name=comment]", payloads[189]);
    await outside.check('input[name="score"] >> nth=3');
    await Promise.all([outside.waitForEvent("load"), outside.click('button[type="submit"]')]);
    await inspect(outside, tally, "the survey page's thanks");
    await visit(outside, tally, base, `${links[1]}?lang=en`);
    await visit(page, tally, base, `/customers/${q(keys.customers[7])}`);
    check((await page.textContent("main")).includes(payloads[189]), "the survey comment is on the customer's page, as text");
  }
  console.log(`   signed-out pages at ${elapsed()}`);

  // Long payload names in select boxes and tables on a 390 px phone: the
  // page keeps its width (tables scroll inside).
  const phone = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: "zh-CN",
    storageState: await context.storageState() });
  await phone.addInitScript(hooks);
  const phonePage = await newPage(phone);
  for (const path of [`/?lang=zh`, `/customers?sort=-updated_at`, `/pool`, `/pipeline`, `/pipeline?owner=${q(user(3))}`]) {
    await visit(phonePage, tally, base, path);
    const width = await phonePage.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 390, `with payload names, ${path.slice(0, 40)} fits a 390 px phone (${width} px)`);
  }
  await phonePage.goto(`${base}/?lang=zh`);
  await phonePage.screenshot({ path: `${shots}/xss-dashboard-phone.png`, fullPage: true });
  await phone.close();

  // ---- 6. Once more with the Content-Security-Policy on.
  const strict = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "en-US", storageState: await context.storageState() });
  await strict.addInitScript(hooks);
  const blocked = await canary(strict);
  check(blocked.executions.length === 0 && blocked.cspScript.length >= 1,
    `a planted payload is blocked and reported with the CSP on: ${blocked.executions.length} executions, ${blocked.cspScript.length} script-src violations`);
  const cspPage = await newPage(strict, cspTally);
  await dashboard(cspPage, cspTally, `/?period=${year}&filter=${q(`team=${userRecord.team}`)}`);
  await hoverCharts(cspPage, cspTally, "the dashboard (CSP on)");
  for (const kind of [...KINDS, "teams"]) await visit(cspPage, cspTally, base, `/${kind}?sort=${kind === "teams" ? "-created_at" : "-updated_at"}`);
  for (const kind of KINDS) await visit(cspPage, cspTally, base, `/${kind}/${q(keys[kind][20])}`);
  for (const path of [`/customers/${q(keys.customers[7])}`, `/pipeline?owner=${q(user(9))}`, `/pool`, `/explain/rep.revenue?rep=${q(user(7))}`, links[1] || "/", `/customers/${q(payloads[0])}`]) {
    await visit(cspPage, cspTally, base, path);
  }
  await visit(cspPage, cspTally, base, "/import");
  await previewImport(cspPage, fileName, file);
  await inspect(cspPage, cspTally, "the import preview (CSP on)");
  console.log(`   CSP pass at ${elapsed()}`);

} catch (error) {
  check(false, `the run finished without an exception: ${error && error.stack || error}`);
} finally {
  // What every user sees goes again: the payload spend, the pool's payload
  // customers (given to their payload owner), the webhooks.
  if (seeded) {
    const { keys } = seeded;
    await pool(keys.spend.length, 4, async (n) => { if (keys.spend[n] != null) await call("DELETE", `/api/v1/spend/${q(keys.spend[n])}`); });
    await pool(keys.customers.length, 4, async (n) => {
      if (keys.customers[n] != null && n % 10 === 0) await call("PATCH", `/api/v1/customers/${q(keys.customers[n])}`, { owner: keys.users[n] });
    });
    let leftInPool = 0;
    for (let n = 0; n < keys.customers.length; n += 10) {
      if (keys.customers[n] == null) continue;
      const owner = (await call("GET", `/api/v1/customers/${q(keys.customers[n])}`)).body.owner;
      if (owner == null) leftInPool += 1;
    }
    check(leftInPool === 0, `no payload customer is left in the pool (${leftInPool})`);
  }
  for (const id of webhooks) await call("DELETE", `/api/v1/webhooks/${q(id)}`);
  await browser.close();
  console.log(`   done at ${elapsed()}`);
}
report();
finish();
