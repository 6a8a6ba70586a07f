// What every browser test shares: the environment scripts/browser-test
// sets, Debian's Chromium launched headless (never a downloaded browser),
// the tally of checks with its closing `N checks, M failed` line, a watcher
// of every request and console error, logging in, and the API read in the
// page's own session.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

export const base = process.env.SALESBOARD_URL;
export const password = process.env.SALESBOARD_PASSWORD;
export const shots = process.env.SCREENSHOTS || "target/screenshots";
mkdirSync(shots, { recursive: true });

const failures = [];
let checks = 0;

/** Records one check and prints it. */
export function check(ok, what) {
  checks += 1;
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}

/** Prints the tally and exits non-zero when a check failed. */
export function finish() {
  console.log(`\n${checks} checks, ${failures.length} failed; screenshots in ${shots}`);
  process.exit(failures.length ? 1 : 0);
}

/** Debian's Chromium, headless. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--no-first-run", "--disable-component-update", "--disable-background-networking"],
  });
}

/** Every URL requested, and every error a page showed. */
export const requests = [];
export const problems = [];

/**
 * Watches a page's requests, console errors and uncaught errors; with
 * `statuses`, responses of 400 and above count as problems too.
 */
export function watch(page, { statuses = true } = {}) {
  page.on("request", (r) => requests.push(r.url()));
  if (statuses) page.on("response", (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  page.on("console", (m) => {
    if (m.type() === "error" && (statuses || !/status of 4\d\d/.test(m.text()))) problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
}

/** Checks that every request went to the server under test and no page erred. */
export function checkRequestsAndProblems() {
  const origin = new URL(base).origin;
  const outside = requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith("data:") && !u.startsWith("blob:"));
  check(requests.length > 10 && outside.length === 0,
    `all ${requests.length} requests went to ${origin}${outside.length ? ": " + outside.slice(0, 5).join(", ") : ""}`);
  check(problems.length === 0, `no console errors or CSP violations${problems.length ? ": " + problems.join(" | ") : ""}`);
}

/** A new page of `context`, watched and logged in as `email`, on the dashboard. */
export async function login(context, email, options) {
  const page = await context.newPage();
  watch(page, options);
  await page.goto(`${base}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type="submit"]')]);
  return page;
}

/** GETs `path` in the page's session: the parsed JSON. */
export async function api(page, path) {
  return page.evaluate(async (p) => {
    const r = await fetch(p, { credentials: "same-origin" });
    return r.json();
  }, path);
}

/** Money as a page writes it (¥1,234.56, -¥7.00) to its decimal string. */
export function decimal(text) {
  const negative = text.trim().startsWith("-");
  return (negative ? "-" : "") + text.replace(/[^0-9.]/g, "");
}
