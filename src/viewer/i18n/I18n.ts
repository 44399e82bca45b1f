import type { Lang } from '../../core/scene/viewstate.js';
import type { I18nText } from '../../core/scene/catalog.js';
import { STRINGS, type StringKey } from './strings.js';

/** Picks the UI language from a navigator language tag ("zh-CN" → zh, anything else → en). */
export function langFromNavigator(tag: string | undefined): Lang {
  return tag && tag.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/**
 * The current UI language and the string lookup. Fires a `change` event when the language switches, so components
 * re-render.
 */
export class I18n extends EventTarget {
  private current: Lang;

  /** @param lang the initial language */
  constructor(lang: Lang) {
    super();
    this.current = lang;
  }

  /** The current language. */
  get lang(): Lang {
    return this.current;
  }

  /** Switches the language (fires `change` when it differs) and sets `<html lang>`. */
  setLang(lang: Lang): void {
    if (lang === this.current) return;
    this.current = lang;
    if (typeof document !== 'undefined') document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    this.dispatchEvent(new Event('change'));
  }

  /** A UI string in the current language. */
  t(key: StringKey): string {
    return STRINGS[key][this.current];
  }

  /** Picks the current language from a data label. */
  text(label: I18nText | undefined, fallback = ''): string {
    return label ? (label[this.current] ?? label.en ?? fallback) : fallback;
  }
}
