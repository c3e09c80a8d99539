/**
 * Message catalogues and the language switch. zh-CN is the default; the choice is kept in
 * localStorage and set on <html lang>. `t(key, {n: 3})` fills `{n}` placeholders.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en } from './en';
import { zhCN, type MessageKey, type Messages } from './zh-CN';

export type Locale = 'zh-CN' | 'en';
export type { MessageKey };

export const CATALOGUES: Record<Locale, Messages> = { 'zh-CN': zhCN, en };
export const LOCALE_NAMES: Record<Locale, string> = { 'zh-CN': '中文', en: 'English' };
const STORAGE_KEY = 'hb.locale';

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t: Translate;
  /** Number formatting in the current locale. */
  n(value: number, options?: Intl.NumberFormatOptions): string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    /* storage unavailable */
  }
  return 'zh-CN';
}

/** Fills `{name}` placeholders. */
export function format(template: string, vars?: Record<string, string | number>): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = CATALOGUES[locale]['app.title'];
  }, [locale]);
  const setLocale = useCallback((l: Locale) => {
    setLocaleState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      /* storage unavailable */
    }
  }, []);
  const value = useMemo<I18n>(() => {
    const messages = CATALOGUES[locale];
    const nf = new Intl.NumberFormat(locale);
    return {
      locale,
      setLocale,
      t: (key, vars) => format(messages[key] ?? key, vars),
      n: (v, options) => (options ? new Intl.NumberFormat(locale, options).format(v) : nf.format(v)),
    };
  }, [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
