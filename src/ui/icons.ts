import { svg } from 'lit';

/** Small line icons (24×24 viewBox, currentColor) for the toolbar and layer rows; no icon font, no network. */
export const icons = {
  home: svg`<path d="M3 11l9-8 9 8M5 9.5V21h5v-6h4v6h5V9.5" />`,
  underground: svg`<path d="M2 9h20M4 13c2 0 2 2 4 2s2-2 4-2 2 2 4 2 2-2 4-2M7 18h10" />`,
  share: svg`<path d="M10 14l4-4M8.5 11.5l-2 2a3 3 0 004.2 4.2l2-2M15.5 12.5l2-2a3 3 0 00-4.2-4.2l-2 2" />`,
  bookmark: svg`<path d="M6 3h12v18l-6-4-6 4z" />`,
  add: svg`<path d="M12 5v14M5 12h14" />`,
  zoom: svg`<circle cx="12" cy="12" r="6" /><path d="M12 2v4M12 18v4M2 12h4M18 12h4" />`,
  close: svg`<path d="M6 6l12 12M18 6L6 18" />`,
  globe: svg`<circle cx="12" cy="12" r="9" /><path d="M3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18" />`,
};

/** Wraps an icon path in an inline SVG element. */
export function icon(name: keyof typeof icons) {
  return svg`<svg viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" style="vertical-align:-2px" aria-hidden="true">${icons[name]}</svg>`;
}
