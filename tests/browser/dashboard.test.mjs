// Drives Debian's Chromium (headless) against a running Salesboard: log in,
// the revenue card against the API, six charts with data, the period picker,
// the language switch, the explanation page, screenshots on a desktop and a
// 390 px phone, and no request leaving 127.0.0.1. Exits non-zero on failure.
//
// Environment: SALESBOARD_URL (http://127.0.0.1:PORT), SALESBOARD_EMAIL,
// SALESBOARD_PASSWORD, SCREENSHOTS (a directory), CHROMIUM (/usr/bin/chromium).
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const base = process.env.SALESBOARD_URL;
const email = process.env.SALESBOARD_EMAIL;
const password = process.env.SALESBOARD_PASSWORD;
const shots = process.env.SCREENSHOTS || "target/screenshots";
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const year = process.env.SALESBOARD_YEAR || String(new Date().getFullYear() - 1);
mkdirSync(shots, { recursive: true });

const failures = [];
let checks = 0;
function check(ok, what) {
  checks += 1;
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}

// Money as written on a card (¥1,234.56, -¥7.00) to its decimal string.
function decimal(text) {
  const negative = text.trim().startsWith("-");
  const digits = text.replace(/[^0-9.]/g, "");
  return (negative ? "-" : "") + digits;
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-dev-shm-usage", "--no-first-run", "--disable-component-update", "--disable-background-networking"],
});
const requests = [];
const problems = [];
function watch(page) {
  page.on("request", (r) => requests.push(r.url()));
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
}

async function cardText(page, kpi, part) {
  return (await page.textContent(`#kpi-${kpi} .${part}`)).trim();
}

async function api(page, path) {
  return page.evaluate(async (p) => {
    const r = await fetch(p, { credentials: "same-origin" });
    return r.json();
  }, path);
}

async function chartsWithData(page) {
  await page.waitForFunction(() => typeof echarts !== "undefined" && document.querySelectorAll(".chart canvas").length >= 6, null, { timeout: 15000 });
  return page.evaluate(() => {
    let n = 0;
    document.querySelectorAll(".chart").forEach((el) => {
      const chart = echarts.getInstanceByDom(el);
      const series = chart && chart.getOption().series;
      const data = series && series[0] && series[0].data;
      if (data && data.length > 0 && data.some((v) => (v && typeof v === "object" ? v.value : v) != null)) n += 1;
    });
    return n;
  });
}

try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "zh-CN" });
  const page = await context.newPage();
  watch(page);

  await page.goto(`${base}/`);
  check(new URL(page.url()).pathname === "/login", `signed out, / goes to the login page (${page.url()})`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type="submit"]')]);
  check(new URL(page.url()).pathname === "/", "logged in, on the dashboard");

  await page.goto(`${base}/?period=${year}`);
  const kpis = await api(page, `/api/v1/kpis?period=${year}`);
  const revenue = await cardText(page, "revenue", "value");
  check(decimal(revenue) === kpis.revenue, `revenue card ${revenue} equals /api/v1/kpis?period=${year} revenue ${kpis.revenue}`);
  check((await cardText(page, "revenue", "label")) === "销售额", "the browser's zh-CN gives 销售额");
  const charts = await chartsWithData(page);
  check(charts >= 6, `${charts} charts rendered with data (at least 6)`);
  await page.screenshot({ path: `${shots}/dashboard-desktop-zh.png`, fullPage: true });

  await Promise.all([page.waitForURL(/part=Q1/), page.selectOption("#period-part", "Q1")]);
  const q1 = await cardText(page, "revenue", "value");
  const q1Kpis = await api(page, `/api/v1/kpis?period=${year}-Q1`);
  check(q1 !== revenue, `changing the period changes the revenue (${revenue} → ${q1})`);
  check(decimal(q1) === q1Kpis.revenue, `Q1 revenue card ${q1} equals the API's ${q1Kpis.revenue}`);
  check((await chartsWithData(page)) >= 6, "the charts render for the quarter");

  await Promise.all([page.waitForURL(/lang=en/), page.click("#lang-switch")]);
  check((await cardText(page, "revenue", "label")) === "Revenue", "the language switch shows Revenue");
  check(decimal(await cardText(page, "revenue", "value")) === q1Kpis.revenue, "the English card shows the same number");
  await page.goto(`${base}/?period=${year}`);
  check((await cardText(page, "revenue", "label")) === "Revenue", "the language choice is remembered");
  await chartsWithData(page);
  await page.screenshot({ path: `${shots}/dashboard-desktop-en.png`, fullPage: true });

  await Promise.all([page.waitForURL(/\/explain\/revenue/), page.click("#kpi-revenue")]);
  const explained = (await page.textContent("#explain-value")).trim();
  check(decimal(explained) === kpis.revenue, `the revenue card clicks through to its explanation (${explained})`);
  await page.screenshot({ path: `${shots}/explain-revenue.png`, fullPage: true });
  await Promise.all([page.waitForURL(/lang=zh/), page.click("#lang-switch")]);
  check((await page.textContent("h1")).includes("销售额"), "the explanation in Chinese says 销售额");

  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "zh-CN",
    storageState: await context.storageState(),
  });
  const small = await phone.newPage();
  watch(small);
  await small.goto(`${base}/?period=${year}`);
  check((await chartsWithData(small)) >= 6, "six charts with data on a 390 px phone");
  const width = await small.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 390, `nothing wider than the phone (${width} px)`);
  await small.screenshot({ path: `${shots}/dashboard-phone-zh.png`, fullPage: true });
  await small.goto(`${base}/login`);
  await small.screenshot({ path: `${shots}/login-phone.png` });

  const origin = new URL(base).origin;
  const foreign = requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith("data:"));
  check(requests.length > 10 && foreign.length === 0, `all ${requests.length} requests went to ${origin}${foreign.length ? ": " + foreign.join(", ") : ""}`);
  check(problems.length === 0, `no console errors or CSP violations${problems.length ? ": " + problems.join(" | ") : ""}`);
} catch (error) {
  failures.push(String(error && error.stack || error));
  console.log(`FAIL ${error}`);
} finally {
  await browser.close();
}
console.log(`\n${checks} checks, ${failures.length} failed; screenshots in ${shots}`);
process.exit(failures.length ? 1 : 0);
