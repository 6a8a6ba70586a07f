// Drives Debian's Chromium (headless) against a running Salesboard: log in,
// the revenue card against the API, eight charts with data, the period
// picker (quarter, custom range), a filter, the comparison, clicks through a
// chart point and a rep, the language switch, the explanation page,
// screenshots on a desktop and a 390 px phone in both languages, and no
// request leaving 127.0.0.1. Exits non-zero on failure.
//
// Environment: SALESBOARD_URL (http://127.0.0.1:PORT), SALESBOARD_EMAIL,
// SALESBOARD_PASSWORD, SCREENSHOTS (a directory), CHROMIUM (/usr/bin/chromium).
import { api, base, check, checkRequestsAndProblems, decimal, finish, launch, password, shots, watch } from "./harness.mjs";

const email = process.env.SALESBOARD_EMAIL;
const year = process.env.SALESBOARD_YEAR || String(new Date().getFullYear() - 1);

const browser = await launch();

async function cardText(page, kpi, part) {
  return (await page.textContent(`#kpi-${kpi} .${part}`)).trim();
}

async function chartsWithData(page) {
  await page.waitForFunction(() => typeof echarts !== "undefined" && document.querySelectorAll(".chart canvas").length >= 8, null, { timeout: 15000 });
  return page.evaluate(() => {
    let n = 0;
    document.querySelectorAll(".chart").forEach((el) => {
      const chart = echarts.getInstanceByDom(el);
      const series = chart && chart.getOption().series;
      const data = series && series[0] && series[0].data;
      if (data && data.length > 0 && data.some((v) => (v && typeof v === "object" ? v.value : v) != null)) n += 1;
      else console.log(`     chart ${el.id} has no data`);
    });
    return n;
  });
}

// Clicks the data point `index` of a chart's first series where it is drawn.
async function clickPoint(page, id, index) {
  const at = await page.evaluate(([id, index]) => {
    const el = document.getElementById(id);
    el.scrollIntoView({ block: "center" });
    const chart = echarts.getInstanceByDom(el);
    // Drawn at once, so that a bar still growing cannot miss the click.
    chart.setOption({ animation: false });
    const option = chart.getOption();
    const value = option.series[0].data[index];
    const horizontal = option.yAxis[0].type === "category";
    const point = horizontal ? [value / 2, index] : [index, option.series[0].type === "bar" ? value / 2 : value];
    const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, point);
    const box = el.getBoundingClientRect();
    return { x: box.left + x, y: box.top + y, value };
  }, [id, index]);
  await page.waitForTimeout(300);
  await page.mouse.click(at.x, at.y);
  return at.value;
}

async function changeText(page, kpi) {
  return (await page.textContent(`#kpi-${kpi} .change`)).replace(/\s+/g, " ").trim();
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
  check(charts >= 8, `${charts} charts rendered with data (at least 8)`);
  const ids = await page.evaluate(() => [...document.querySelectorAll(".chart")].map((el) => el.id));
  check(["chart-trend", "chart-funnel", "chart-channels", "chart-segments", "chart-top-products", "chart-slow-products", "chart-cycle", "chart-csat"].every((id) => ids.includes(id)), `the charts are there (${ids.join(", ")})`);
  const tools = await page.evaluate(() => {
    const option = echarts.getInstanceByDom(document.getElementById("chart-trend")).getOption();
    return { save: !!option.toolbox[0].feature.saveAsImage, zoom: (option.dataZoom || []).length, legend: (option.legend || []).length, series: option.series.length };
  });
  check(tools.save && tools.series === 2 && tools.legend === 1, `the trend has this year, last year, a legend and save-as-image (${JSON.stringify(tools)})`);
  for (let i = 1; i <= 4; i++) {
    const card = await page.$(`.kpi:nth-child(${i}) .spark polyline`);
    check(card !== null, `card ${i} has a sparkline`);
  }
  await page.screenshot({ path: `${shots}/dashboard-desktop.png`, fullPage: true });
  const exportHref = await page.getAttribute('#kpi-exports a[href*="format=csv"]', "href");
  const exported = await page.evaluate(async (h) => {
    const r = await fetch(h, { credentials: "same-origin" });
    return { status: r.status, disposition: r.headers.get("content-disposition"), text: await r.text() };
  }, exportHref);
  const exportedRows = exported.text.trim().split(/\r?\n/).length;
  check(exported.status === 200 && /attachment/.test(exported.disposition || "") && exportedRows > 2,
    `the KPI table by rep exports as CSV (${exportedRows} lines, ${exported.disposition})`);

  await Promise.all([page.waitForURL(/part=Q1/), page.selectOption("#period-part", "Q1")]);
  const q1 = await cardText(page, "revenue", "value");
  const q1Kpis = await api(page, `/api/v1/kpis?period=${year}-Q1`);
  check(q1 !== revenue, `changing the period changes the revenue (${revenue} → ${q1})`);
  check(decimal(q1) === q1Kpis.revenue, `Q1 revenue card ${q1} equals the API's ${q1Kpis.revenue}`);
  check((await chartsWithData(page)) >= 8, "the charts render for the quarter");

  // Compared with the same quarter last year: the change under the card moves.
  const previousChange = await changeText(page, "revenue");
  await Promise.all([page.waitForURL(/compare=last_year/), page.selectOption("#period-compare", "last_year")]);
  const yearChange = await changeText(page, "revenue");
  const lastYearQ1 = await api(page, `/api/v1/kpis?period=${Number(year) - 1}-Q1`);
  check(yearChange !== previousChange, `compare = last year changes the card's change (${previousChange} → ${yearChange})`);
  const expected = (Number(q1Kpis.revenue) - Number(lastYearQ1.revenue)) / Math.abs(Number(lastYearQ1.revenue)) * 100;
  check(yearChange.includes(`${Math.abs(expected).toFixed(1)}%`) && yearChange.startsWith(expected >= 0 ? "↑" : "↓"), `the change is ${expected.toFixed(1)}% over ${year - 1}-Q1 (${yearChange})`);

  // A custom range of days, the last day included.
  await page.selectOption("#period-part", "custom");
  check(await page.isVisible("#period-start"), "choosing a custom range shows its dates");
  await page.fill("#period-start", `${year}-02-10`);
  await page.fill("#period-end", `${year}-05-19`);
  await Promise.all([page.waitForURL(/part=custom/), page.click("#period-show")]);
  const custom = await cardText(page, "revenue", "value");
  const customKpis = await api(page, `/api/v1/kpis?from=${year}-02-10&to=${year}-05-20`);
  check(decimal(custom) === customKpis.revenue, `custom range revenue ${custom} equals the API's ${customKpis.revenue}`);
  check((await page.textContent("#period-label")).includes(`${year}-02-10`), "the custom range is named on the page");

  // A filter: the first channel.
  await page.goto(`${base}/?period=${year}`);
  const channel = await page.evaluate(() => document.querySelector("#filter-channel option:nth-child(2)").value);
  await Promise.all([page.waitForURL(/filter=channel/), page.selectOption("#filter-channel", channel)]);
  const filtered = await cardText(page, "revenue", "value");
  const filteredKpis = await api(page, `/api/v1/kpis?period=${year}&filter=${encodeURIComponent(channel)}`);
  check(decimal(filtered) === filteredKpis.revenue && filteredKpis.revenue !== kpis.revenue, `filter ${channel}: revenue ${filtered} equals the API's ${filteredKpis.revenue} (all: ${kpis.revenue})`);
  check((await chartsWithData(page)) >= 8, "the charts render with a filter");

  // A click on March of the trend explains March's revenue.
  await page.goto(`${base}/?period=${year}`);
  await chartsWithData(page);
  const months = await page.evaluate(() => echarts.getInstanceByDom(document.getElementById("chart-trend")).getOption().xAxis[0].data.length);
  const march = months - 10; // the last twelve months end with December
  const marchValue = await Promise.all([page.waitForURL(/\/explain\/revenue\?period=\d{4}-03/, { timeout: 10000 }), clickPoint(page, "chart-trend", march)]).then((r) => r[1]);
  check(/period=\d{4}-03/.test(page.url()), `a click on March of the trend opens ${page.url()}`);
  check(Number(decimal(await page.textContent("#explain-value"))) === marchValue, `the explanation shows March's ${marchValue}`);
  await page.goBack();
  await chartsWithData(page);
  await Promise.all([page.waitForURL(/\/explain\/revenue\?.*filter=product/, { timeout: 10000 }), clickPoint(page, "chart-top-products", 0)]);
  check(page.url().includes("filter=product%3D"), `a click on the top product opens ${page.url()}`);
  await page.goBack();

  // The keyboard reaches every chart point: each chart has a data table
  // whose cells link where a click on the point goes. Tab to the trend's
  // table, open it with Enter, tab to March's link and follow it.
  await chartsWithData(page);
  const tables = await page.evaluate(() => [...document.querySelectorAll(".chart-card")].map((card) => {
    const chart = echarts.getInstanceByDom(card.querySelector(".chart"));
    const points = chart.getOption().series[0].data.length;
    return { rows: card.querySelectorAll(".chart-data tbody tr").length, points, links: card.querySelectorAll(".chart-data a").length };
  }));
  check(tables.length >= 8 && tables.every((t) => t.rows > 0 && t.rows === t.points && t.links > 0),
    `every chart has a data table with a row per point (${tables.map((t) => `${t.rows}/${t.points}`).join(", ")})`);
  await page.focus("#chart-trend + .chart-data summary");
  await page.keyboard.press("Enter");
  const marchLink = await page.evaluate((march) => document.querySelectorAll("#chart-trend + .chart-data tbody tr")[march].querySelector("a").getAttribute("href"), march);
  let tabs = 0;
  while (tabs < 40 && (await page.evaluate(() => document.activeElement && document.activeElement.getAttribute("href"))) !== marchLink) {
    await page.keyboard.press("Tab");
    tabs += 1;
  }
  await Promise.all([page.waitForURL(/\/explain\/revenue\?period=\d{4}-03/, { timeout: 10000 }), page.keyboard.press("Enter")]);
  check(Number(decimal(await page.textContent("#explain-value"))) === marchValue,
    `Tab ×${tabs} and Enter on March in the trend's data table open March's explanation (${marchValue})`);
  await page.goBack();

  // A rep's name opens the list of that rep's customers.
  const rep = await page.getAttribute("#leaderboard a.rep", "href");
  await Promise.all([page.waitForURL(/\/customers\?owner=/), page.click("#leaderboard a.rep")]);
  const owner = new URL(page.url()).searchParams.get("owner");
  const owned = await api(page, `/api/v1/customers?per_page=1&owner=${encodeURIComponent(owner)}`);
  const listed = (await page.textContent("#records-total")).replace(/[^0-9]/g, "");
  check(rep.startsWith("/customers?owner=") && owned.total > 0 && listed === String(owned.total),
    `a click on a rep opens their ${listed} customers (${page.url()}; the API counts ${owned.total})`);
  await page.goto(`${base}/?period=${year}-Q1`);

  await Promise.all([page.waitForURL(/lang=en/), page.click("#lang-switch")]);
  check((await cardText(page, "revenue", "label")) === "Revenue", "the language switch shows Revenue");
  check(decimal(await cardText(page, "revenue", "value")) === q1Kpis.revenue, "the English card shows the same number");
  await page.goto(`${base}/?period=${year}`);
  check((await cardText(page, "revenue", "label")) === "Revenue", "the language choice is remembered");
  await chartsWithData(page);
  await page.screenshot({ path: `${shots}/dashboard-desktop-en.png`, fullPage: true });
  check((await chartsWithData(page)) >= 8, "the charts render in English");

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
  check((await chartsWithData(small)) >= 8, "eight charts with data on a 390 px phone");
  const width = await small.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 390, `nothing wider than the phone (${width} px)`);
  await small.screenshot({ path: `${shots}/dashboard-phone.png`, fullPage: true });
  await small.goto(`${base}/?period=${year}&lang=en`);
  await chartsWithData(small);
  check((await cardText(small, "revenue", "label")) === "Revenue", "the phone in English");
  await small.screenshot({ path: `${shots}/dashboard-phone-en.png`, fullPage: true });
  await small.goto(`${base}/login`);
  await small.screenshot({ path: `${shots}/login-phone.png` });

  checkRequestsAndProblems();
} catch (error) {
  check(false, `the run finished without an exception: ${error && error.stack || error}`);
} finally {
  await browser.close();
}
finish();
