// What the stored-XSS sweep (xss.test.mjs) watches and counts on every page:
// script executions (a dialog, a console message or page error carrying the
// XSS marker, a write to `window.__xss` or `document.title`), Content-Security-
// Policy violations, requests leaving the server, and, in the rendered DOM,
// `javascript:`/`data:` URLs, `on*` attributes, scripts not from /assets/ and
// elements the templates never write.

/** Findings after which the sweep stops early (it has failed by then). */
const STOP_AFTER = 300;

/** Every payload that runs says this (numbered: XSS-17). */
export const MARKER = /XSS/;

/**
 * Runs in every frame before the page's own scripts: reports writes to
 * `window.__xss` and `document.title` and every CSP violation to the console,
 * where the watcher below picks them up.
 */
export function hooks() {
  const hit = (how) => console.log(`XSS-HIT ${how}`);
  try {
    Object.defineProperty(window, "__xss", {
      configurable: false,
      get() { return undefined; },
      set(value) { hit(`window.__xss = ${value}`); },
    });
  } catch { /* defined already in this realm */ }
  const title = Object.getOwnPropertyDescriptor(Document.prototype, "title");
  Object.defineProperty(Document.prototype, "title", {
    configurable: true,
    get() { return title.get.call(this); },
    set(value) { hit(`document.title = ${value}`); title.set.call(this, value); },
  });
  document.addEventListener("securitypolicyviolation", (e) => {
    console.log(`CSP-VIOLATION ${e.effectiveDirective} ${e.blockedURI} ${String(e.sample || "").slice(0, 80)}`);
  }, true);
}

/** What the sweep found, over every page. */
export class Tally {
  constructor(origin) {
    this.origin = origin;
    this.executions = [];
    this.cspScript = [];
    this.cspOther = [];
    this.pageErrors = [];
    this.outside = [];
    this.dom = [];
    this.selectors = { javascriptHref: 0, javascriptSrc: 0, dataHref: 0 };
    this.pages = 0;
    this.statuses = new Map();
  }
}

/** Watches `page` for executions, violations, errors and outside requests. */
export function watchForXss(page, tally) {
  page.on("dialog", async (dialog) => {
    tally.executions.push(`${dialog.type()}(${dialog.message()}) on ${page.url()}`);
    await dialog.dismiss().catch(() => {});
  });
  page.on("console", (message) => {
    const text = message.text();
    if (text.startsWith("CSP-VIOLATION")) {
      (/ script-src/.test(text) ? tally.cspScript : tally.cspOther).push(`${text} on ${page.url()}`);
    } else if (text.startsWith("XSS-HIT")) {
      tally.executions.push(`${text} on ${page.url()}`);
    } else if (MARKER.test(text) && !text.startsWith("Failed to load resource")) {
      tally.executions.push(`console.${message.type()}(${text.slice(0, 120)}) on ${page.url()}`);
    }
  });
  page.on("pageerror", (error) => {
    if (MARKER.test(error.message)) tally.executions.push(`thrown ${error.message.slice(0, 120)} on ${page.url()}`);
    else tally.pageErrors.push(`${error.message.slice(0, 200)} on ${page.url()}`);
  });
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(`${tally.origin}/`) && !/^(data|blob|about):/.test(url)) tally.outside.push(`${url.slice(0, 120)} from ${page.url()}`);
  });
}

/**
 * Runs in the page: every element and attribute that script could come
 * from. The templates and the page scripts write only the ALLOWED elements,
 * no `on*` attribute, no `javascript:` URL and one `data:` URL (the empty
 * favicon `<link rel="icon" href="data:,">`).
 */
export function inspectDom() {
  const ALLOWED = new Set(("html head body meta title link script main header nav section aside div p span a b small strong " +
    "code pre time h1 h2 h3 label input button select option textarea form fieldset legend table thead tbody tr th td " +
    "ol ul li dl dt dd details summary dialog progress svg rect polyline canvas").split(" "));
  const URL_ATTRIBUTES = new Set(["href", "xlink:href", "src", "action", "formaction", "data", "background", "poster", "lowsrc",
    "dynsrc", "codebase", "code", "srcset", "values", "to", "from", "by", "ping", "cite", "longdesc", "usemap", "manifest", "icon"]);
  const found = [];
  const name = (el) => `<${el.localName}${el.id ? "#" + el.id : ""}>`;
  const scheme = (value) => value.replace(/[\u0000-\u0020\u007f]/g, "").toLowerCase();
  const favicon = (el, value) => el.localName === "link" && el.getAttribute("rel") === "icon" && value === "data:,";
  for (const el of document.querySelectorAll("*")) {
    for (const attribute of Array.from(el.attributes)) {
      const attr = attribute.name.toLowerCase();
      if (attr.startsWith("on")) found.push(`${attr}= on ${name(el)}`);
      if (attr === "srcdoc") found.push(`srcdoc= on ${name(el)}`);
      if (URL_ATTRIBUTES.has(attr)) {
        const value = scheme(attribute.value);
        if (/^(javascript|vbscript|livescript):/.test(value)) found.push(`${attr}="${attribute.value.slice(0, 60)}" on ${name(el)}`);
        else if (value.startsWith("data:") && !favicon(el, attribute.value)) found.push(`${attr}="${attribute.value.slice(0, 60)}" on ${name(el)}`);
      }
    }
    if (el.localName === "script" && !/^\/assets\/[\w.-]+(\?v=\w+)?$/.test(el.getAttribute("src") || "")) found.push(`a script not from /assets/: ${el.outerHTML.slice(0, 80)}`);
    if (el.localName === "meta" && el.hasAttribute("http-equiv")) found.push(`<meta http-equiv=${el.getAttribute("http-equiv")}>`);
    if (!ALLOWED.has(el.localName)) found.push(`an element no template writes: ${el.outerHTML.slice(0, 80)}`);
  }
  const selectors = {
    javascriptHref: document.querySelectorAll('a[href^="javascript:" i]').length,
    javascriptSrc: document.querySelectorAll('[src^="javascript:" i]').length,
    dataHref: Array.from(document.querySelectorAll('[href^="data:" i]')).filter((el) => !favicon(el, el.getAttribute("href"))).length,
  };
  return { found, selectors };
}

/** Waits for two frames, so that autofocus, timers and error events have run. */
export async function settle(page) {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 20))))).catch(() => {});
}

/** Inspects the page now shown and adds what it found to `tally`. */
export async function inspect(page, tally, label) {
  await settle(page);
  let result;
  try {
    result = await page.evaluate(inspectDom);
  } catch (error) {
    result = { found: [`the page could not be inspected: ${String(error.message).split("\n")[0]}`], selectors: {} };
  }
  const { found, selectors } = result;
  tally.pages += 1;
  for (const what of found) tally.dom.push(`${what} on ${label}`);
  for (const [key, n] of Object.entries(selectors)) tally.selectors[key] += n;
  // A server that runs the payloads would keep the sweep busy for long with
  // dialogs and pages that never finish: enough has been seen by then.
  if (tally.executions.length + tally.dom.length > STOP_AFTER) {
    throw new Error(`the sweep stops after ${tally.executions.length} script executions and ${tally.dom.length} DOM findings`);
  }
  return found.length;
}

/** Opens `path`, counts its status, and inspects it. */
export async function visit(page, tally, base, path, label = path) {
  let response = null;
  try {
    response = await page.goto(`${base}${path}`, { waitUntil: "load", timeout: 30000 });
  } catch (error) {
    // Something on the page kept it from loading (or navigated it away).
    tally.dom.push(`${path} did not load: ${String(error.message).split("\n")[0]}`);
  }
  const status = response ? response.status() : 0;
  tally.statuses.set(status, (tally.statuses.get(status) || 0) + 1);
  await inspect(page, tally, label);
  return status;
}
