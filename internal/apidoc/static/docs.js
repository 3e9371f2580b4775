// Renders /openapi.json as a browsable list of routes. Text from the document is
// inserted as text, never as HTML.
"use strict";

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function resolve(doc, schema) {
  let depth = 0;
  while (schema && schema.$ref && depth++ < 10) {
    schema = schema.$ref.replace(/^#\//, "").split("/").reduce((o, k) => (o || {})[k], doc);
  }
  return schema || {};
}

// inline renders `code` and **strong** spans of a description, as text nodes only.
function inline(text) {
  const out = [];
  for (const part of text.split(/(`[^`]+`|\*\*[^*]+\*\*)/)) {
    if (part.startsWith("`") && part.endsWith("`") && part.length > 1) out.push(el("code", {}, part.slice(1, -1)));
    else if (part.startsWith("**") && part.endsWith("**") && part.length > 3) out.push(el("strong", {}, part.slice(2, -2)));
    else if (part) out.push(document.createTextNode(part));
  }
  return out;
}

// paragraphs splits a description on blank lines.
function paragraphs(text) {
  return (text || "").split(/\n\s*\n/).filter((p) => p.trim()).map((p) => el("p", {}, ...inline(p.trim())));
}

// access says who may call an operation, from its security requirement.
function access(doc, op) {
  const sec = op.security || doc.security || [];
  if (sec.length === 0) return "no token needed";
  const roles = Object.values(sec[0])[0] || [];
  return roles.length ? "access token, role " + roles.join(", ") + " or above" : "access token";
}

// example builds a small sample value from a schema, for reading, not for sending.
function example(doc, schema, depth) {
  schema = resolve(doc, schema);
  if (depth > 4) return "…";
  if (schema.example !== undefined) return schema.example;
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => example(doc, s, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (schema.enum) return schema.enum[0];
  if (type === "object" || schema.properties) {
    const out = {};
    for (const [k, v] of Object.entries(schema.properties || {})) out[k] = example(doc, v, depth + 1);
    return out;
  }
  if (type === "array") return [example(doc, schema.items || {}, depth + 1)];
  if (type === "integer" || type === "number") return 0;
  if (type === "boolean") return false;
  if (schema.format === "date-time") return "2026-01-01T00:00:00Z";
  return "string";
}

function operation(doc, path, method, op) {
  const body = el("div");
  body.append(...paragraphs(op.description), el("p", {}, el("em", {}, access(doc, op))));
  const params = (op.parameters || []).map((p) => resolve(doc, p));
  if (params.length) {
    const t = el("table", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "in"), el("th", {}, "description")));
    for (const p of params) t.append(el("tr", {}, el("td", {}, el("code", {}, p.name + (p.required ? " *" : ""))), el("td", {}, p.in), el("td", {}, p.description || "")));
    body.append(t);
  }
  const rb = op.requestBody && resolve(doc, op.requestBody);
  if (rb && rb.content) {
    const [ct, media] = Object.entries(rb.content)[0];
    const sample = media.example !== undefined ? media.example : example(doc, media.schema, 0);
    body.append(el("h4", {}, "Request body (" + ct + ")"), el("pre", {}, JSON.stringify(sample, null, 2)));
  }
  for (const [status, resp] of Object.entries(op.responses || {})) {
    const r = resolve(doc, resp);
    body.append(el("h4", {}, status + " " + (r.description || "")));
    const headers = Object.keys(r.headers || {});
    if (headers.length) body.append(el("p", {}, "Headers: ", ...headers.flatMap((h, i) => (i ? [", ", el("code", {}, h)] : [el("code", {}, h)]))));
    const media = r.content && Object.values(r.content)[0];
    if (media && media.schema) body.append(el("pre", {}, JSON.stringify(example(doc, media.schema, 0), null, 2)));
  }
  const d = el("details", { "data-search": (method + " " + path + " " + (op.summary || "") + " " + (op.description || "")).toLowerCase() },
    el("summary", {}, el("span", { class: "method " + method.toUpperCase() }, method.toUpperCase()), el("code", {}, path), " ", op.summary || ""),
    body);
  return d;
}

async function main() {
  const doc = await (await fetch("/openapi.json")).json();
  document.getElementById("title").textContent = doc.info.title + " " + doc.info.version;
  const summary = document.getElementById("summary");
  summary.textContent = doc.info.summary || "";
  summary.after(...paragraphs(doc.info.description));
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      const tag = (op.tags || ["other"])[0];
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operation(doc, path, method, op));
    }
  }
  const root = document.getElementById("routes");
  for (const [tag, ops] of byTag) root.append(el("h2", {}, tag), ...ops);
  document.getElementById("filter").addEventListener("input", (e) => {
    const q = e.target.value.toLowerCase().trim();
    for (const d of root.querySelectorAll("details")) d.hidden = q !== "" && !d.dataset.search.includes(q);
  });
}

main().catch((err) => {
  document.getElementById("summary").textContent = "Could not load the API description: " + err;
});
