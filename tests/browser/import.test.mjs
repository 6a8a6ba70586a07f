// The import page in Debian's Chromium (headless) against a running
// Salesboard, as the admin: the tiny fixture's orders.csv with quantity `abc`
// on line 5 is previewed and the problem is marked on that line and field
// before anything is written; a mapping change; a valid customers file is
// imported with the progress bar to done and a report whose written count is
// the file's rows; a file with a bad row is imported with "skip invalid rows"
// and the downloaded rejected rows hold exactly that row; file text stays
// text. Screenshots on a desktop and a 390 px phone; no request leaves
// 127.0.0.1. Exits non-zero on failure.
//
// Environment: SALESBOARD_URL, SALESBOARD_ADMIN_EMAIL, SALESBOARD_PASSWORD,
// SCREENSHOTS (a directory), CHROMIUM (/usr/bin/chromium).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { api, base, check, checkRequestsAndProblems, finish, launch, password, shots, watch } from "./harness.mjs";

const email = process.env.SALESBOARD_ADMIN_EMAIL;

// The test's files, in a fresh temporary folder.
const work = mkdtempSync(join(tmpdir(), "salesboard-import-"));
const tiny = fileURLToPath(new URL("../fixtures/tiny/orders.csv", import.meta.url));
const lines = readFileSync(tiny, "utf8").split("\n");
const fields = lines[0].split(",");
const quantityAt = fields.indexOf("quantity");
const line5 = lines[4].split(",");
line5[quantityAt] = "abc";
lines[4] = line5.join(",");
const badOrders = join(work, "orders.csv");
writeFileSync(badOrders, lines.join("\n"));

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
function customersFile(name, rows) {
  const path = join(work, name);
  writeFileSync(path, ["customer_id,name,created_at", ...rows].join("\n") + "\n");
  return path;
}
const goodCustomers = customersFile("customers.csv", [
  `bt-${run}-1,浏览器测试甲,2024-03-01`,
  `bt-${run}-2,Browser Test B,2024-03-02`,
  `bt-${run}-3,浏览器测试丙,2024-03-03 10:30`,
]);
const mixedCustomers = (tag) => customersFile(`customers-${tag}.csv`, [
  `bt-${run}-${tag}-ok1,"<img src=x onerror=""window.__xss=1"">",2024-04-01`,
  `bt-${run}-${tag}-bad,Bad date,not-a-date`,
  `bt-${run}-${tag}-ok2,Good ${tag},2024-04-02`,
]);

const browser = await launch();

async function previewFile(page, path) {
  await page.setInputFiles("#import-file", path);
  await page.click("#import-preview");
  const name = path.split("/").pop();
  await page.waitForFunction((n) => {
    const title = document.getElementById("import-result-title");
    return !document.getElementById("import-result").hidden && title.textContent.startsWith(n);
  }, name, { timeout: 15000 });
}

// Starts the import and waits for the report; the progress bar's values seen.
async function importAndWait(page) {
  const seen = [];
  const sample = setInterval(() => {
    page.evaluate(() => document.getElementById("import-progress").value).then((v) => seen.push(v), () => {});
  }, 50);
  await page.click("#import-start");
  await page.waitForSelector("#import-report:not([hidden])", { timeout: 30000 });
  clearInterval(sample);
  return seen;
}

try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "zh-CN", acceptDownloads: true });
  const page = await context.newPage();
  watch(page);
  await page.goto(`${base}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type="submit"]')]);

  // 1. The bad line is shown before anything is written.
  const ordersBefore = (await api(page, "/api/v1/orders?per_page=1")).total;
  await page.goto(`${base}/import`);
  check((await page.textContent("h1")).trim() === "导入数据", "the import page in Chinese says 导入数据");
  // The keyboard alone: the file chooser's button, then Enter on Preview.
  await page.setInputFiles("#import-file", badOrders);
  await page.focus("#import-kind");
  await page.keyboard.press("Tab");
  check(await page.evaluate(() => document.activeElement.id === "import-preview"), "Tab goes from the kind to the Preview button");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#import-result:not([hidden])", { timeout: 15000 });
  const bad = page.locator('#import-line-5 td.bad[data-field="quantity"]');
  check((await bad.count()) === 1, "line 5's quantity cell is marked as a problem");
  const badText = (await bad.textContent()) || "";
  check(badText.includes("abc") && badText.includes("“abc”不是整数"), `the cell shows the value and, visibly, the reason in Chinese (${badText})`);
  check(((await bad.getAttribute("title")) || "").includes("不是整数"), "the reason is on hover too");
  const color = await bad.evaluate((el) => getComputedStyle(el).color);
  check(color === "rgb(217, 54, 54)", `the marked cell is red (${color})`);
  const listed = page.locator('#import-problems li[data-line="5"][data-field="quantity"]');
  check((await listed.count()) === 1, "the problem list names line 5, field quantity");
  check((await listed.textContent()).includes("第 5 行"), "in Chinese: 第 5 行");
  check(await page.isDisabled("#import-start"), "Import is disabled while the preview has problems");
  check(await page.isVisible("#import-blocked"), "and the page says why");
  await page.screenshot({ path: `${shots}/import-preview-desktop.png`, fullPage: true });
  check((await api(page, "/api/v1/orders?per_page=1")).total === ordersBefore, `no order was written by the preview (${ordersBefore})`);

  // The mapping: leaving the quantity column out makes it a missing required column.
  await page.selectOption('select[data-header="quantity"]', "-");
  const missing = '#import-problems li[data-line="1"][data-field="quantity"]';
  await page.waitForSelector(missing, { timeout: 15000 }).catch(() => {});
  check((await page.locator(missing).count()) === 1, "mapping quantity to “leave out” re-previews: line 1 misses the required quantity column");
  check((await page.locator('#import-line-5 td.bad[data-field="quantity"]').count()) === 0, "and line 5's quantity is no longer read");

  // 2. A valid file: progress to done, the report's count is the file's rows.
  await page.goto(`${base}/import`);
  await previewFile(page, goodCustomers);
  check((await page.textContent("#import-problem-count")).includes("未发现问题"), "the customers file has no problems");
  check(!(await page.isDisabled("#import-start")), "Import is enabled");
  const seen = await importAndWait(page);
  check((await page.evaluate(() => document.getElementById("import-progress").value)) === 100, `the progress bar reaches 100 (seen ${[...new Set(seen)].join(", ")})`);
  check((await page.textContent("#import-phase")).includes("完成"), "the phase says 完成 (done)");
  const created = (await page.textContent('#import-written-table tr[data-kind="customers"] td')).trim();
  check(created === "3", `the report says 3 customers created (${created}), the file's 3 rows`);
  const stored = await api(page, `/api/v1/customers/bt-${run}-3`);
  check(stored.name === "浏览器测试丙", "the third customer is stored");
  await page.screenshot({ path: `${shots}/import-report-desktop.png`, fullPage: true });

  // 3. Skip invalid rows; the rejected rows download holds the bad row only.
  await page.click("#import-again");
  await previewFile(page, mixedCustomers("d"));
  check((await page.locator("#import-rows img").count()) === 0, "file text with HTML stays text in the preview");
  check((await page.textContent("#import-line-2")).includes("<img src=x"), "and is shown as typed");
  check(await page.isDisabled("#import-start"), "one bad row: Import is disabled");
  await page.check("#import-skip");
  check(!(await page.isDisabled("#import-start")), "ticking “skip invalid rows” enables it");
  await importAndWait(page);
  const createdMixed = (await page.textContent('#import-written-table tr[data-kind="customers"] td')).trim();
  check(createdMixed === "2", `the two good rows were written (${createdMixed})`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("a.download")]);
  const rejected = readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "").trim().split(/\r?\n/);
  check(download.suggestedFilename() === "customers-d.rejected.csv", `the download is named ${download.suggestedFilename()}`);
  check(rejected.length === 2 && rejected[0] === "customer_id,name,created_at,error" && rejected[1].startsWith(`bt-${run}-d-bad,Bad date,not-a-date,`),
    `the rejected rows are the bad row only: ${JSON.stringify(rejected)}`);
  check(rejected[1].includes("“not-a-date”不是日期或时间"), `the download gives the reason in Chinese: ${rejected[1]}`);
  check(await page.evaluate(() => window.__xss === undefined), "no script ran from the file");

  // 4. A 390 px phone: the report fits.
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "zh-CN",
    storageState: await context.storageState(),
  });
  const small = await phone.newPage();
  watch(small);
  await small.goto(`${base}/import`);
  await previewFile(small, mixedCustomers("p"));
  await small.check("#import-skip");
  await importAndWait(small);
  check((await small.locator("a.download").count()) === 1, "on the phone: the report with its download link");
  const width = await small.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 390, `nothing wider than the phone (${width} px)`);
  await small.screenshot({ path: `${shots}/import-report-phone.png`, fullPage: true });
  await small.goto(`${base}/import?lang=en`);
  check((await small.textContent("h1")).trim() === "Import data", "in English: Import data");

  checkRequestsAndProblems();
} catch (error) {
  check(false, `the run finished without an exception: ${error && error.stack || error}`);
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
finish();
