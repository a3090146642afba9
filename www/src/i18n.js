// UI strings and number formatting. Numbers are formatted here, in JS, with
// Intl (not in Rust: that would cost wasm bytes).
export const STRINGS = {
  en: {
    probability: 'Win probability',
    interval: 'Likely range',
    milestones: 'Milestones confirmed by the customer',
    mandatory: 'mandatory',
    optional: 'optional',
    missing: 'Missing before this stage',
    outOfOrder: 'Done out of order',
    next: 'Next step',
    nextWorth: 'worth',
    nextRaises: 'raises it to',
    none: 'None',
    why: 'Why this number',
    basedOnPrior: 'From the process model (no history yet)',
    basedOnHistory: 'Learned from {n} closed deals',
    sellerSays: "Seller's own estimate (not used)",
    loading: 'Loading…',
    error: 'Could not score this deal',
  },
  nb: {
    probability: 'Sannsynlighet for å vinne',
    interval: 'Sannsynlig spenn',
    milestones: 'Milepæler bekreftet av kunden',
    mandatory: 'obligatorisk',
    optional: 'valgfri',
    missing: 'Mangler før dette steget',
    outOfOrder: 'Gjort i feil rekkefølge',
    next: 'Neste steg',
    nextWorth: 'verdt',
    nextRaises: 'løfter den til',
    none: 'Ingen',
    why: 'Hvorfor dette tallet',
    basedOnPrior: 'Fra prosessmodellen (ingen historikk ennå)',
    basedOnHistory: 'Lært fra {n} avsluttede salg',
    sellerSays: 'Selgerens egen vurdering (brukes ikke)',
    loading: 'Laster…',
    error: 'Kunne ikke beregne dette salget',
  },
  sv: {
    probability: 'Sannolikhet att vinna',
    interval: 'Troligt intervall',
    milestones: 'Milstolpar bekräftade av kunden',
    mandatory: 'obligatorisk',
    optional: 'valfri',
    missing: 'Saknas före detta steg',
    outOfOrder: 'Gjort i fel ordning',
    next: 'Nästa steg',
    nextWorth: 'värt',
    nextRaises: 'höjer den till',
    none: 'Inga',
    why: 'Varför denna siffra',
    basedOnPrior: 'Från processmodellen (ingen historik ännu)',
    basedOnHistory: 'Inlärt från {n} avslutade affärer',
    sellerSays: 'Säljarens egen bedömning (används inte)',
    loading: 'Laddar…',
    error: 'Kunde inte beräkna affären',
  },
  da: {
    probability: 'Sandsynlighed for at vinde',
    interval: 'Sandsynligt spænd',
    milestones: 'Milepæle bekræftet af kunden',
    mandatory: 'obligatorisk',
    optional: 'valgfri',
    missing: 'Mangler før dette trin',
    outOfOrder: 'Udført i forkert rækkefølge',
    next: 'Næste trin',
    nextWorth: 'værd',
    nextRaises: 'løfter den til',
    none: 'Ingen',
    why: 'Hvorfor dette tal',
    basedOnPrior: 'Fra procesmodellen (ingen historik endnu)',
    basedOnHistory: 'Lært fra {n} afsluttede salg',
    sellerSays: 'Sælgerens eget skøn (bruges ikke)',
    loading: 'Indlæser…',
    error: 'Kunne ikke beregne salget',
  },
};

export const CURRENCIES = ['NOK', 'SEK', 'DKK', 'EUR', 'USD'];

/** The element's locale: its `locale` attribute, else the page's `lang`, else English. */
export function resolveLocale(el) {
  const raw = el.getAttribute('locale') || (el.closest && el.closest('[lang]')?.getAttribute('lang')) || document.documentElement.lang || 'en';
  const lang = String(raw).toLowerCase().split(/[-_]/)[0];
  const short = lang === 'no' || lang === 'nn' ? 'nb' : lang;
  return { tag: raw, key: STRINGS[short] ? short : 'en' };
}

export function t(localeKey, name, vars) {
  const s = (STRINGS[localeKey] && STRINGS[localeKey][name]) || STRINGS.en[name] || name;
  return vars ? s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k])) : s;
}

export function formatPercent(tag, p) {
  return safeFormat(tag, { style: 'percent', maximumFractionDigits: 0 }, p);
}

export function formatMoney(tag, currency, amount) {
  const cur = CURRENCIES.includes(String(currency).toUpperCase()) ? String(currency).toUpperCase() : null;
  const opts = cur ? { style: 'currency', currency: cur, maximumFractionDigits: 0 } : { maximumFractionDigits: 0 };
  return safeFormat(tag, opts, amount);
}

function safeFormat(tag, opts, v) {
  try {
    return new Intl.NumberFormat(tag, opts).format(v);
  } catch {
    return new Intl.NumberFormat('en', opts).format(v);
  }
}
