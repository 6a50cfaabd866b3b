// Building the page from data without innerHTML: every value is text, never markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") el.className = value;
    // The CSP refuses style attributes (style-src 'self'); the CSSOM is not markup and passes.
    else if (name === "style") el.style.cssText = String(value);
    else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const SVG = "http://www.w3.org/2000/svg";

export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  append(el, children);
  return el;
}

// A table: `headers` are labels, each row is a list of cells or {cells, attrs}.
export function table(headers, rows, attrs = {}) {
  return h(
    "table",
    attrs,
    h("thead", {}, h("tr", {}, headers.map((label) => h("th", {}, label)))),
    h(
      "tbody",
      {},
      rows.map((row) => {
        const { cells, attrs: rowAttrs } = Array.isArray(row) ? { cells: row, attrs: {} } : row;
        return h("tr", rowAttrs, cells.map((cell) => h("td", {}, cell)));
      }),
    ),
  );
}
