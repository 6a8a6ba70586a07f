// Seeding for the stored-XSS sweep (xss.test.mjs): the payload corpus, and
// records of every kind the API writes with a payload in every free-text
// field. The fields are read from the OpenAPI document's create schemas, so a
// new text field is covered without touching this file: a string without an
// enum, format or pattern gets a payload, unless it refers to another record
// (then it names the record of the same number made before) or the server
// refuses payloads there (then a valid value from FALLBACKS, and the refusal
// is reported). Writes go through the JSON API with a Bearer token.
import { readFileSync } from "node:fs";

/** The corpus, one payload a line, each made unique by numbering its XSS marker. */
export function loadPayloads() {
  const lines = readFileSync(new URL("./xss-payloads.txt", import.meta.url), "utf8")
    .split("\n")
    .filter((line) => line.length > 0);
  return lines.map((line, i) => (line.includes("XSS") ? line.replaceAll("XSS", `XSS-${i}`) : line));
}

/** The kinds in the order references need them (as the importer orders files). */
export const KINDS = ["users", "products", "customers", "contacts", "deals", "orders", "payments", "activities", "spend", "surveys", "targets"];

/** Fields naming another record, and the kind they name. */
const REFERENCES = { customer_id: "customers", deal_id: "deals", order_id: "orders", owner: "users", sku: "products" };

/** Valid values for text fields that refuse payloads (business codes). */
function fallback(kind, field, n, year) {
  const stages = ["lead", "qualified", "proposal", "negotiation"];
  const table = {
    "deals.stage": stages[n % stages.length],
    "spend.category": n % 2 ? "sales" : "marketing",
    "targets.period": String(year),
  };
  return table[`${kind}.${field}`];
}

/** Enum values chosen per record where the first would not do. */
const ENUM_CHOICES = {
  "users.role": () => "rep",
  "deals.status": (n) => ["open", "won", "lost"][n % 3],
};

/** A Bearer-authenticated JSON client of the API. */
export function client(base, token) {
  return async function call(method, path, body) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = text; }
    return { status: response.status, body: json };
  };
}

/** Runs `work(i)` for i in 0..n with at most `width` at a time. */
export async function pool(n, width, work) {
  let next = 0;
  const runners = Array.from({ length: Math.min(width, n) }, async () => {
    while (next < n) {
      const i = next++;
      await work(i);
    }
  });
  await Promise.all(runners);
}

/** `YYYY-MM-DD` of `date`. */
function day(date) {
  return date.toISOString().slice(0, 10);
}

/**
 * Record `n`'s date: spread over the 60 days before today, inside this
 * year, so that the dashboard's default period shows them.
 */
function dateOf(n, now) {
  const start = Date.UTC(now.getUTCFullYear(), 0, 2);
  return new Date(Math.max(start, now.getTime() - (n % 60) * 86400000 - 86400000));
}

function stringType(schema) {
  const types = [].concat(schema.type || []);
  return types.includes("string");
}

/**
 * The body of record `n` of `kind`: every property of its create schema.
 * `payloadAt(field index)` gives the payload for the i-th free-text field.
 */
function body(kind, schema, n, keys, payloadAt, refused, year) {
  const now = new Date();
  const when = dateOf(n, now);
  const record = {};
  let textIndex = 0;
  for (const [field, property] of Object.entries(schema.properties)) {
    if (field === "lines") continue;
    if (property.enum) {
      const choices = property.enum.filter((v) => v !== null && v !== "");
      record[field] = ENUM_CHOICES[`${kind}.${field}`]?.(n) ?? choices[0];
      continue;
    }
    if (!stringType(property)) {
      record[field] = { score: 4 }[field] ?? 1;
      continue;
    }
    if (property.format === "date-time") {
      record[field] = `${day(when)}T10:${String(n % 60).padStart(2, "0")}:00+08:00`;
      continue;
    }
    if (property.format === "date") {
      record[field] = day(when);
      continue;
    }
    if (property.pattern) {
      record[field] = property.description?.startsWith("discount") ? "0.1" : `${100 + n}.50`;
      continue;
    }
    const target = REFERENCES[field];
    if (target && field !== schema.key) {
      record[field] = keys[target]?.[n] ?? null;
      continue;
    }
    const own = payloadAt(textIndex++);
    record[field] = refused.has(`${kind}.${field}`) ? fallback(kind, field, n, year) ?? null : own;
  }
  if (kind === "deals") {
    if (record.status === "open") delete record.closed_at;
    if (record.status !== "lost") delete record.lost_reason;
  }
  if (kind === "orders") {
    record.lines = [{ sku: keys.products?.[n] ?? null, unit_price: `${20 + (n % 50)}.00`, quantity: 1 + (n % 3), discount: "0" }];
  }
  if (kind === "customers" && n % 10 === 0) record.owner = null; // the public pool (公海)
  return record;
}

/**
 * Creates `count` records of every kind of KINDS. Returns the keys made
 * (`keys[kind][n]`), the fields that refused payloads with the server's
 * message, and the records that could not be made at all.
 */
export async function seed(call, payloads, count, { width = 4, log = console.log } = {}) {
  const openapi = (await call("GET", "/api/v1/openapi.json")).body;
  const year = new Date().getUTCFullYear();
  const keys = {};
  const refusals = new Map(); // kind.field → [times, first message]
  const accepted = new Set();
  const refused = new Set();
  const failures = [];
  const fieldsCovered = {};
  for (const kind of KINDS) {
    const schema = openapi.components.schemas[`${kind}_create`];
    const keyName = openapi.components.schemas[kind].required[0]; // the fields in order, the key's first
    schema.key = keyName;
    fieldsCovered[kind] = Object.entries(schema.properties)
      .filter(([f, p]) => stringType(p) && !p.enum && !p.format && !p.pattern && !(REFERENCES[f] && f !== keyName))
      .map(([f]) => f);
    keys[kind] = [];
    const started = Date.now();
    await pool(count, width, async (n) => {
      const payloadAt = (f) => payloads[(n + f * count) % payloads.length];
      const overrides = {};
      for (let attempt = 0; attempt < 6; attempt++) {
        const record = { ...body(kind, schema, n, keys, payloadAt, refused, year), ...overrides };
        const answer = await call("POST", `/api/v1/${kind}`, record);
        if (answer.status === 201) {
          keys[kind][n] = kind === "targets" ? answer.body.target_id : answer.body[keyName];
          for (const f of fieldsCovered[kind]) if (!(f in overrides) && !refused.has(`${kind}.${f}`)) accepted.add(`${kind}.${f}`);
          return;
        }
        const field = answer.body && String(answer.body.field || "").split(/[.[]/)[0];
        if (answer.status !== 422 || !fieldsCovered[kind].includes(field) || field in overrides) {
          failures.push(`${kind} #${n}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
          return;
        }
        // Refused here: a valid value for this record; after three refusals
        // and no acceptance, for every later record of the kind too.
        const seen = refusals.get(`${kind}.${field}`) || [0, answer.body.message];
        seen[0] += 1;
        refusals.set(`${kind}.${field}`, seen);
        if (seen[0] >= 3 && !accepted.has(`${kind}.${field}`)) refused.add(`${kind}.${field}`);
        overrides[field] = fallback(kind, field, n, year) ?? null;
      }
      failures.push(`${kind} #${n}: still refused after 6 attempts`);
    });
    const made = keys[kind].filter((k) => k != null).length;
    log(`     seeded ${made} ${kind} in ${((Date.now() - started) / 1000).toFixed(1)} s; payload fields: ${fieldsCovered[kind].join(", ")}`);
  }
  return { keys, refusals, accepted, failures, fieldsCovered };
}
