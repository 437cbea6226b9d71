// Small helpers to build SVG without any library.
const NS = 'http://www.w3.org/2000/svg';

export function el(name, attributes = {}, text) {
  const node = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
}
