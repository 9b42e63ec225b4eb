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

// Table rows from [name, value, note] triples (the note is optional).
export function tableRows(rows) {
  return rows.map(([name, value, note]) => {
    const row = el('tr', {}, el('th', { scope: 'row' }, name), el('td', {}, el('code', {}, value)));
    if (note !== undefined) row.append(el('td', { class: 'note' }, note));
    return row;
  });
}

export function table(rows, className = 'claims') {
  return el('table', { class: className }, el('tbody', {}, ...tableRows(rows)));
}

export function pretty(value) {
  return JSON.stringify(value, null, 2);
}
