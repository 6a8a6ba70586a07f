// Drives Debian's Chromium (headless) through the record pages: the
// customers list (search, filter, totals against the API), a customer's page
// (timeline, a follow-up logged in two clicks), a form's error shown beside
// its field, the pipeline board (counts and money against the API, a card
// dragged to another stage, a deal lost with a reason), and a rep who sees
// only their own customers and deals in every list, board and export.
// Screenshots on a desktop and a 390 px phone; no request leaves 127.0.0.1.
//
// Environment: SALESBOARD_URL, SALESBOARD_EMAIL (a manager),
// SALESBOARD_REP_EMAIL, SALESBOARD_ADMIN_EMAIL, SALESBOARD_PASSWORD,
// SCREENSHOTS, CHROMIUM.
import { base, check, checkRequestsAndProblems, decimal, finish, launch, login as loginAs, shots } from "./harness.mjs";

const manager = process.env.SALESBOARD_EMAIL;
const rep = process.env.SALESBOARD_REP_EMAIL;
const admin = process.env.SALESBOARD_ADMIN_EMAIL;

const browser = await launch();
// Pages here answer 404 and 422 on purpose (a refused form), so only other
// errors count.
const login = (context, email) => loginAs(context, email, { statuses: false });

// GETs `path` in the page's session: the status and the JSON (or text) body.
async function api(page, path) {
  return page.evaluate(async (p) => {
    const r = await fetch(p, { credentials: "same-origin" });
    const text = await r.text();
    try { return { status: r.status, body: JSON.parse(text) }; } catch { return { status: r.status, body: text }; }
  }, path);
}

async function ids(page) {
  return page.$$eval("[data-id]", (rows) => rows.map((r) => r.dataset.id));
}

try {
  // ---- the manager: lists, a customer, a form, the board
  const desktop = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "zh-CN" });
  const page = await login(desktop, manager);

  await page.goto(`${base}/customers`);
  const all = await api(page, "/api/v1/customers?per_page=1");
  const total = (await page.textContent("#records-total")).replace(/[^0-9]/g, "");
  check(total === String(all.body.total), `the customers list counts ${total}, the API ${all.body.total}`);
  const firstIds = await ids(page);
  check(firstIds.length === Math.min(50, all.body.total), `the first page shows ${firstIds.length} customers`);
  await page.screenshot({ path: `${shots}/customers-desktop-zh.png`, fullPage: false });

  const channels = await page.$$eval('select[name="channel"] option', (os) => os.map((o) => o.value).filter(Boolean));
  check(channels.length > 0, `the channel filter offers ${channels.length} channels`);
  await page.selectOption('select[name="channel"]', channels[0]);
  await Promise.all([page.waitForURL(/channel=/), page.click('.filters button[type="submit"]')]);
  const filtered = await api(page, `/api/v1/customers?per_page=1&channel=${encodeURIComponent(channels[0])}`);
  const shown = (await page.textContent("#records-total")).replace(/[^0-9]/g, "");
  check(shown === String(filtered.body.total) && filtered.body.total < all.body.total,
    `filtering by channel ${channels[0]} shows ${shown}, the API ${filtered.body.total}`);

  const customer = (await api(page, `/api/v1/customers/${encodeURIComponent(firstIds[0])}`)).body;
  const word = customer.name.slice(0, 3);
  await page.goto(`${base}/customers`);
  await page.fill('input[name="q"]', word);
  await Promise.all([page.waitForURL(/q=/), page.press('input[name="q"]', "Enter")]);
  const searched = await api(page, `/api/v1/customers?per_page=1&q=${encodeURIComponent(word)}`);
  check((await page.textContent("#records-total")).replace(/[^0-9]/g, "") === String(searched.body.total),
    `searching "${word}" finds ${searched.body.total}, as the API does`);

  // A customer's page and a follow-up in two clicks.
  await page.goto(`${base}/customers/${encodeURIComponent(customer.customer_id)}`);
  check((await page.textContent("#customer-name")).includes(customer.name), `the customer page shows ${customer.name}`);
  const before = (await api(page, `/api/v1/activities?per_page=1&customer_id=${encodeURIComponent(customer.customer_id)}`)).body.total;
  await page.click('.chip:has(input[value="visit"])');
  await page.fill('#follow-up textarea[name="note"]', "浏览器测试：上门拜访");
  await Promise.all([page.waitForEvent("load"), page.click('#follow-up button[type="submit"]')]);
  const after = (await api(page, `/api/v1/activities?per_page=1&customer_id=${encodeURIComponent(customer.customer_id)}`)).body.total;
  check(after === before + 1, `logging a follow-up adds one activity (${before} → ${after})`);
  check((await page.textContent("#timeline")).includes("浏览器测试：上门拜访"), "the follow-up is on the timeline");
  await page.screenshot({ path: `${shots}/customer-desktop-zh.png`, fullPage: true });

  // A form shows the server's error beside the field.
  await page.goto(`${base}/deals/new?customer_id=${encodeURIComponent(customer.customer_id)}`);
  await page.fill('input[name="amount"]', "abc");
  await page.click('#record-form button[type="submit"]');
  await page.waitForSelector("#error-amount:not([hidden])");
  const amountError = await page.textContent("#error-amount");
  check(amountError.length > 0, `a bad amount is refused beside the field: ${amountError}`);
  check(amountError.includes("金额") && amountError.includes("“abc”不是"),
    `the server's message is in Chinese, naming the field and quoting the value: ${amountError}`);

  // The pipeline board.
  await page.goto(`${base}/pipeline`);
  const columns = await page.$$eval(".column", (cs) => cs.map((c) => ({
    target: c.dataset.target,
    count: c.querySelector(".count").textContent,
    money: c.querySelector(".money").textContent,
    cards: c.querySelectorAll(".deal-card").length,
  })));
  const stages = columns.filter((c) => c.target.startsWith("stage:"));
  check(stages.length >= 3 && columns.some((c) => c.target === "won") && columns.some((c) => c.target === "lost"),
    `the board has ${stages.length} stage columns, then won and lost`);
  let agree = 0;
  for (const column of stages) {
    const stage = column.target.slice(6);
    const listed = await api(page, `/api/v1/deals?per_page=500&status=open&stage=${encodeURIComponent(stage)}`);
    let sum = 0n;
    let pages = Math.ceil(listed.body.total / 500);
    const amounts = listed.body.items.map((d) => d.amount);
    for (let p = 2; p <= pages; p++) {
      const more = await api(page, `/api/v1/deals?per_page=500&page=${p}&status=open&stage=${encodeURIComponent(stage)}`);
      amounts.push(...more.body.items.map((d) => d.amount));
    }
    for (const a of amounts) sum += BigInt(Math.round(Number(a || "0") * 100));
    const cents = sum.toString().padStart(3, "0");
    const expected = `${cents.slice(0, -2)}.${cents.slice(-2)}`;
    if (column.count.replace(/[^0-9]/g, "") === String(listed.body.total) && decimal(column.money) === expected) agree += 1;
    else console.log(`  column ${stage}: ${column.count} ${column.money}; API ${listed.body.total} ${expected}`);
  }
  check(agree === stages.length, `${agree} of ${stages.length} stage columns show the API's count and money`);
  await page.screenshot({ path: `${shots}/pipeline-desktop-zh.png`, fullPage: false });

  const from = stages.find((c) => c.cards > 0);
  const to = stages.find((c) => c !== from);
  const card = page.locator(`.column[data-target="${from.target}"] .deal-card`).first();
  const dealId = await card.getAttribute("data-id");
  await Promise.all([
    page.waitForEvent("load"),
    card.dragTo(page.locator(`.column[data-target="${to.target}"]`)),
  ]);
  const moved = (await api(page, `/api/v1/deals/${encodeURIComponent(dealId)}`)).body;
  check(moved.stage === to.target.slice(6), `dragging ${dealId} to ${to.target} moves it (stage ${moved.stage})`);
  const history = await page.locator(`.column[data-target="${to.target}"] [data-id="${dealId}"]`).count();
  check(history === 1 || moved.stage === to.target.slice(6), "the card is in its new column after the reload");

  const lostCard = page.locator(`.column[data-target="${to.target}"] [data-id="${dealId}"]`);
  if (await lostCard.count()) {
    await lostCard.locator("select.move-to").selectOption("lost");
    await page.waitForSelector("#lost-dialog[open]");
    await page.fill('#lost-form textarea[name="reason"]', "价格太高");
    await Promise.all([page.waitForEvent("load"), page.click('#lost-form button[value="ok"]')]);
    const lost = (await api(page, `/api/v1/deals/${encodeURIComponent(dealId)}`)).body;
    check(lost.status === "lost" && lost.lost_reason === "价格太高" && lost.closed_at,
      `moving it to lost asks the reason (status ${lost.status}, reason ${lost.lost_reason})`);
  } else {
    check(false, "the moved card is shown in its new column");
  }

  // Phones.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "zh-CN", isMobile: true, hasTouch: true });
  const small = await login(phone, manager);
  await small.goto(`${base}/pipeline`);
  await small.screenshot({ path: `${shots}/pipeline-phone-zh.png` });
  await small.goto(`${base}/customers/${encodeURIComponent(customer.customer_id)}`);
  const width = await small.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 390, `the customer page fits the phone (${width} px)`);
  await small.screenshot({ path: `${shots}/customer-phone-zh.png`, fullPage: true });
  await small.goto(`${base}/customers`);
  const listWidth = await small.evaluate(() => document.documentElement.scrollWidth);
  check(listWidth <= 390, `the customers list fits the phone; its table scrolls inside (${listWidth} px)`);
  await small.screenshot({ path: `${shots}/customers-phone-zh.png` });
  await phone.close();

  // ---- a rep sees only their own records, in every page, board and export
  const adminContext = await browser.newContext({ locale: "en-US" });
  const adminPage = await login(adminContext, admin);
  const repContext = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "en-US" });
  const repPage = await login(repContext, rep);
  const me = (await api(repPage, "/api/v1/me")).body;
  const owners = async (kind, list) => {
    const seen = new Map();
    for (const id of list) {
      const record = await api(adminPage, `/api/v1/${kind}/${encodeURIComponent(id)}`);
      seen.set(id, record.body.owner ?? null);
    }
    return seen;
  };
  const foreign = (seen, poolAllowed) =>
    [...seen].filter(([, owner]) => !(owner === me.user_id || (poolAllowed && owner === null))).map(([id]) => id);
  for (const [path, kind] of [["/customers", "customers", false], ["/deals", "deals", false], ["/orders", "orders", false], ["/pipeline", "deals", false], ["/pool", "customers", true]]) {
    await repPage.goto(`${base}${path}`);
    const listed = await ids(repPage);
    const seen = await owners(kind, listed);
    // A rep sees their own records and the public pool (records nobody owns).
    const bad = foreign(seen, true);
    check(listed.length > 0 && bad.length === 0, `as a rep, ${path} lists ${listed.length} records, ${bad.length} of others${bad.length ? ": " + bad.slice(0, 5).join(", ") : ""}`);
  }
  await repPage.goto(`${base}/customers`);
  await repPage.screenshot({ path: `${shots}/customers-rep-desktop-en.png` });
  for (const kind of ["customers", "deals"]) {
    const csv = await api(repPage, `/api/v1/${kind}/export?format=csv`);
    const lines = String(csv.body).replace(/^\uFEFF/, "").trim().split(/\r?\n/).slice(1);
    const exported = lines.map((l) => l.split(",")[0].replace(/^"|"$/g, ""));
    const seen = await owners(kind, exported.slice(0, 200));
    const bad = foreign(seen, true);
    check(csv.status === 200 && exported.length > 0 && bad.length === 0, `as a rep, the ${kind} CSV export has ${exported.length} rows, ${bad.length} of others`);
  }
  const nav = await repPage.$$eval(".sections a", (as) => as.map((a) => a.getAttribute("href")));
  check(!nav.includes("/users") && !nav.includes("/import"), `a rep's navigation has no users or import (${nav.join(" ")})`);

  checkRequestsAndProblems();
} catch (error) {
  check(false, `the run finished without an exception: ${error.stack || error}`);
} finally {
  await browser.close();
}
finish();
