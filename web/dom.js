// Small DOM helpers. Text always goes in through textContent, never as HTML: a token or a claim
// is attacker-controlled input.

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function show(target, ...children) {
  target.replaceChildren(...children);
}

export function setStatus(target, text, kind = 'info') {
  target.textContent = text;
  target.dataset.kind = kind;
}

// A two- or three-column table of [name, value, note] rows.
export function table(rows, className = 'claims') {
  const body = el('tbody');
  for (const [name, value, note] of rows) {
    const row = el('tr', {}, el('th', { scope: 'row' }, name), el('td', {}, el('code', {}, value)));
    if (note !== undefined) row.append(el('td', { class: 'note' }, note));
    body.append(row);
  }
  return el('table', { class: className }, body);
}

export function pretty(value) {
  return JSON.stringify(value, null, 2);
}
