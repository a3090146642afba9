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
    nextLowers: 'lowers it to',
    nextKeeps: 'leaves it at',
    none: 'None',
    why: 'Why this number',
    basedOnPrior: 'From the process model (no history yet)',
    basedOnHistory: 'Learned from {n} closed deals',
    sellerSays: "Seller's own estimate (not used)",
    loading: 'Loading…',
    error: 'Could not compute this: check the input',
    nextBest: 'Best next step',
    othersGain: 'Other steps that raise it',
    funnel: 'Milestone funnel (probability at each step)',
    missingFn: 'This build of stagecast has no {fn}() yet, so this view cannot be computed.',
    meetings: 'Meetings this week, ranked by value',
    plan: 'Meeting plan',
    budget: 'Margin budget',
    enterBudget: 'No meeting plan yet: it needs a margin budget, meetings per week and weeks.',
    requiredPerMeeting: 'Required margin per meeting',
    meetingsPlanned: 'Meetings planned',
    expectedMargin: 'Expected margin',
    gap: 'Gap to budget',
    value: 'Value',
    rightCustomer: 'Right customer',
    rightPeople: 'Right people',
    prepared: 'Prepared',
    worthIt: 'worth the time',
    notWorthIt: 'below the required margin',
    name: 'Name',
    saved: 'Saved in this browser.',
    forecast: 'Forecast range',
    target: 'Target',
    pAtLeast: 'Chance of reaching the target',
    expected: 'Expected',
    calibration: 'Calibration',
    reliability: 'Reliability: predicted versus observed win rate',
    predicted: 'Predicted',
    observed: 'Observed',
    brier: 'Brier score (lower is better)',
    model: 'This model',
    versusSellers: 'The model against the sellers’ own estimates',
    skills: 'Stronger (▲) or weaker (▼) than the team at',
    team: 'team',
    sellersCorrected: 'Sellers, corrected by their track record',
    view: 'View',
    priors: 'Priors only',
    sellersOwn: "Sellers' own estimates",
    bySeller: 'By seller',
    seller: 'Seller',
    deals: 'Deals',
    importCsv: 'Import deals from CSV',
    chooseFile: 'Choose a CSV file or drop it here',
    preset: 'Column preset',
    custom: 'Map by hand',
    column: 'Column',
    notMapped: '(not used)',
    load: 'Load',
    parsing: 'Reading the file…',
    loaded: 'Deals loaded: {n}. Rows skipped because of errors: {skipped}.',
    badRows: 'Rows with errors',
    noOpen: 'No open deals to forecast yet.',
    noClosed: 'No closed deals to learn from yet.',
    line: 'line {n}',
    // Meeting checks: the engine's reason codes (src/meetings.rs, Reason).
    checkUnknown: 'not checked',
    role_decision_maker: 'decision maker',
    role_mobilizer: 'mobilizer',
    reason_deal_won: 'The deal is already won: the meeting cannot raise its chances.',
    reason_deal_lost: 'The deal is lost: the meeting cannot raise its chances.',
    reason_not_ideal_customer: 'Not the ideal customer: {attribute} is “{value}”, the profile asks for “{wanted}”.',
    reason_below_min_probability: 'The win probability, {probability}, is below the minimum set for meetings ({minProbability}).',
    reason_attribute_missing: 'Fit unknown: the deal has no {attribute}, which the ideal customer profile asks for.',
    reason_fit_not_checked: 'Fit not checked: no ideal customer profile was given.',
    reason_ideal_customer: 'Open deal that matches the ideal customer profile.',
    reason_key_person_attends: 'A {role} attends: the people who move the deal are in the room.',
    reason_people_engaged: 'No decision maker or mobilizer attends, but “{milestone}” is already reached, so they are engaged.',
    reason_no_key_people: 'No decision maker or mobilizer attends, and none is engaged yet: the meeting may not move the deal.',
    reason_attendees_unknown: 'Not known: no attendees were given, and no decision maker or mobilizer is engaged yet.',
    reason_no_target: 'No target milestone: nobody has said what the customer should confirm in this meeting.',
    reason_target_already_reached: 'The target “{milestone}” is already reached: the meeting aims at nothing new.',
    reason_marked_not_prepared: 'The target is “{milestone}”, but the seller marked the meeting as not prepared.',
    reason_aims_at_target: 'The meeting aims at “{milestone}”.',
    reason_aims_at_target_confirmed: 'The meeting aims at “{milestone}”, and the seller marked it as prepared.',
    reason_unlimited_capacity: 'Assumes the specialist can take every deal at the step with no loss of conversion (unlimited capacity), and the deal’s own seller keeps every other step. Conversions are the profile’s; sellers without an entry for a step get the team average.',
    reason_limited_capacity: 'Assumes the specialist can take at most {capacity} more deals per step (the ones that gain most), with no loss of conversion, and the deal’s own seller keeps every other step. Conversions are the profile’s; sellers without an entry for a step get the team average.',
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
    nextLowers: 'senker den til',
    nextKeeps: 'lar den stå på',
    none: 'Ingen',
    why: 'Hvorfor dette tallet',
    basedOnPrior: 'Fra prosessmodellen (ingen historikk ennå)',
    basedOnHistory: 'Lært fra {n} avsluttede salg',
    sellerSays: 'Selgerens egen vurdering (brukes ikke)',
    loading: 'Laster…',
    error: 'Kunne ikke beregne dette: sjekk inndataene',
    nextBest: 'Beste neste steg',
    othersGain: 'Andre steg som løfter den',
    funnel: 'Milepælstrakt (sannsynlighet ved hvert steg)',
    missingFn: 'Denne versjonen av stagecast har ikke {fn}() ennå, så visningen kan ikke beregnes.',
    meetings: 'Ukens møter, rangert etter verdi',
    plan: 'Møteplan',
    budget: 'Dekningsbidragsbudsjett',
    enterBudget: 'Ingen møteplan ennå: den trenger et budsjett for dekningsbidrag, møter per uke og antall uker.',
    requiredPerMeeting: 'Nødvendig dekningsbidrag per møte',
    meetingsPlanned: 'Planlagte møter',
    expectedMargin: 'Forventet dekningsbidrag',
    gap: 'Avstand til budsjett',
    value: 'Verdi',
    rightCustomer: 'Riktig kunde',
    rightPeople: 'Riktige personer',
    prepared: 'Forberedt',
    worthIt: 'verdt tiden',
    notWorthIt: 'under nødvendig dekningsbidrag',
    name: 'Navn',
    saved: 'Lagret i denne nettleseren.',
    forecast: 'Prognosespenn',
    target: 'Mål',
    pAtLeast: 'Sjanse for å nå målet',
    expected: 'Forventet',
    calibration: 'Kalibrering',
    reliability: 'Pålitelighet: anslått mot faktisk vinnrate',
    predicted: 'Anslått',
    observed: 'Faktisk',
    brier: 'Brier-score (lavere er bedre)',
    model: 'Denne modellen',
    versusSellers: 'Modellen mot selgernes egne anslag',
    skills: 'Sterkere (▲) eller svakere (▼) enn teamet på',
    team: 'teamet',
    sellersCorrected: 'Selgerne, korrigert etter treffsikkerhet',
    view: 'Syn',
    priors: 'Bare startverdier',
    sellersOwn: 'Selgernes egne anslag',
    bySeller: 'Per selger',
    seller: 'Selger',
    deals: 'Salg',
    importCsv: 'Importer salg fra CSV',
    chooseFile: 'Velg en CSV-fil eller slipp den her',
    preset: 'Kolonneoppsett',
    custom: 'Koble for hånd',
    column: 'Kolonne',
    notMapped: '(brukes ikke)',
    load: 'Last inn',
    parsing: 'Leser filen…',
    loaded: 'Salg lastet inn: {n}. Rader hoppet over på grunn av feil: {skipped}.',
    badRows: 'Rader med feil',
    noOpen: 'Ingen åpne salg å lage prognose for ennå.',
    noClosed: 'Ingen avsluttede salg å lære av ennå.',
    line: 'linje {n}',
    checkUnknown: 'ikke sjekket',
    role_decision_maker: 'beslutningstaker',
    role_mobilizer: 'mobilisator',
    reason_deal_won: 'Avtalen er allerede vunnet: møtet kan ikke øke sjansene.',
    reason_deal_lost: 'Avtalen er tapt: møtet kan ikke øke sjansene.',
    reason_not_ideal_customer: 'Ikke idealkunden: {attribute} er «{value}», profilen krever «{wanted}».',
    reason_below_min_probability: 'Vinnersannsynligheten, {probability}, er under minimumet satt for møter ({minProbability}).',
    reason_attribute_missing: 'Ukjent match: avtalen mangler {attribute}, som idealkundeprofilen krever.',
    reason_fit_not_checked: 'Match ikke sjekket: ingen idealkundeprofil er oppgitt.',
    reason_ideal_customer: 'Åpen avtale som passer idealkundeprofilen.',
    reason_key_person_attends: 'En {role} deltar: de som flytter avtalen, er i rommet.',
    reason_people_engaged: 'Ingen beslutningstaker eller mobilisator deltar, men «{milestone}» er allerede nådd, så de er engasjert.',
    reason_no_key_people: 'Ingen beslutningstaker eller mobilisator deltar, og ingen er engasjert ennå: møtet flytter kanskje ikke avtalen.',
    reason_attendees_unknown: 'Ukjent: ingen deltakere er oppgitt, og ingen beslutningstaker eller mobilisator er engasjert ennå.',
    reason_no_target: 'Ingen målmilepæl: ingen har sagt hva kunden skal bekrefte i dette møtet.',
    reason_target_already_reached: 'Målet «{milestone}» er allerede nådd: møtet sikter ikke mot noe nytt.',
    reason_marked_not_prepared: 'Målet er «{milestone}», men selgeren har merket møtet som ikke forberedt.',
    reason_aims_at_target: 'Møtet sikter mot «{milestone}».',
    reason_aims_at_target_confirmed: 'Møtet sikter mot «{milestone}», og selgeren har merket det som forberedt.',
    reason_unlimited_capacity: 'Forutsetter at spesialisten kan ta alle avtaler på steget uten tap i konvertering (ubegrenset kapasitet), og at avtalens egen selger beholder alle andre steg. Konverteringene er profilens; selgere uten tall for et steg får teamets snitt.',
    reason_limited_capacity: 'Forutsetter at spesialisten kan ta høyst {capacity} flere avtaler per steg (de som vinner mest), uten tap i konvertering, og at avtalens egen selger beholder alle andre steg. Konverteringene er profilens; selgere uten tall for et steg får teamets snitt.',
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
    nextLowers: 'sänker den till',
    nextKeeps: 'lämnar den på',
    none: 'Inga',
    why: 'Varför denna siffra',
    basedOnPrior: 'Från processmodellen (ingen historik ännu)',
    basedOnHistory: 'Inlärt från {n} avslutade affärer',
    sellerSays: 'Säljarens egen bedömning (används inte)',
    loading: 'Laddar…',
    error: 'Kunde inte beräkna detta: kontrollera indata',
    nextBest: 'Bästa nästa steg',
    othersGain: 'Andra steg som höjer den',
    funnel: 'Milstolpstratt (sannolikhet vid varje steg)',
    missingFn: 'Den här versionen av stagecast saknar {fn}(), så vyn kan inte beräknas.',
    meetings: 'Veckans möten, rangordnade efter värde',
    plan: 'Mötesplan',
    budget: 'Täckningsbidragsbudget',
    enterBudget: 'Ingen mötesplan ännu: den behöver en täckningsbidragsbudget, möten per vecka och antal veckor.',
    requiredPerMeeting: 'Nödvändigt täckningsbidrag per möte',
    meetingsPlanned: 'Planerade möten',
    expectedMargin: 'Förväntat täckningsbidrag',
    gap: 'Avstånd till budget',
    value: 'Värde',
    rightCustomer: 'Rätt kund',
    rightPeople: 'Rätt personer',
    prepared: 'Förberedd',
    worthIt: 'värt tiden',
    notWorthIt: 'under nödvändigt täckningsbidrag',
    name: 'Namn',
    saved: 'Sparat i den här webbläsaren.',
    forecast: 'Prognosintervall',
    target: 'Mål',
    pAtLeast: 'Chans att nå målet',
    expected: 'Förväntat',
    calibration: 'Kalibrering',
    reliability: 'Tillförlitlighet: förutsagd mot faktisk vinstandel',
    predicted: 'Förutsagd',
    observed: 'Faktisk',
    brier: 'Brier-poäng (lägre är bättre)',
    model: 'Den här modellen',
    versusSellers: 'Modellen mot säljarnas egna bedömningar',
    skills: 'Starkare (▲) eller svagare (▼) än teamet på',
    team: 'teamet',
    sellersCorrected: 'Säljarna, korrigerade efter träffsäkerhet',
    view: 'Syn',
    priors: 'Endast startvärden',
    sellersOwn: 'Säljarnas egna bedömningar',
    bySeller: 'Per säljare',
    seller: 'Säljare',
    deals: 'Affärer',
    importCsv: 'Importera affärer från CSV',
    chooseFile: 'Välj en CSV-fil eller släpp den här',
    preset: 'Kolumnmall',
    custom: 'Koppla för hand',
    column: 'Kolumn',
    notMapped: '(används inte)',
    load: 'Läs in',
    parsing: 'Läser filen…',
    loaded: 'Inlästa affärer: {n}. Rader som hoppades över på grund av fel: {skipped}.',
    badRows: 'Rader med fel',
    noOpen: 'Inga öppna affärer att prognostisera ännu.',
    noClosed: 'Inga avslutade affärer att lära av ännu.',
    line: 'rad {n}',
    checkUnknown: 'inte kontrollerat',
    role_decision_maker: 'beslutsfattare',
    role_mobilizer: 'mobiliserare',
    reason_deal_won: 'Affären är redan vunnen: mötet kan inte öka chanserna.',
    reason_deal_lost: 'Affären är förlorad: mötet kan inte öka chanserna.',
    reason_not_ideal_customer: 'Inte idealkunden: {attribute} är ”{value}”, profilen kräver ”{wanted}”.',
    reason_below_min_probability: 'Vinstsannolikheten, {probability}, är under miniminivån för möten ({minProbability}).',
    reason_attribute_missing: 'Okänd matchning: affären saknar {attribute}, som idealkundprofilen kräver.',
    reason_fit_not_checked: 'Matchning inte kontrollerad: ingen idealkundprofil har angetts.',
    reason_ideal_customer: 'Öppen affär som matchar idealkundprofilen.',
    reason_key_person_attends: 'En {role} deltar: de som driver affären är i rummet.',
    reason_people_engaged: 'Ingen beslutsfattare eller mobiliserare deltar, men ”{milestone}” är redan nått, så de är engagerade.',
    reason_no_key_people: 'Ingen beslutsfattare eller mobiliserare deltar, och ingen är engagerad än: mötet kanske inte för affären framåt.',
    reason_attendees_unknown: 'Okänt: inga deltagare har angetts, och ingen beslutsfattare eller mobiliserare är engagerad än.',
    reason_no_target: 'Ingen målmilstolpe: ingen har sagt vad kunden ska bekräfta på det här mötet.',
    reason_target_already_reached: 'Målet ”{milestone}” är redan nått: mötet siktar inte på något nytt.',
    reason_marked_not_prepared: 'Målet är ”{milestone}”, men säljaren har markerat mötet som inte förberett.',
    reason_aims_at_target: 'Mötet siktar på ”{milestone}”.',
    reason_aims_at_target_confirmed: 'Mötet siktar på ”{milestone}”, och säljaren har markerat det som förberett.',
    reason_unlimited_capacity: 'Förutsätter att specialisten kan ta varje affär i steget utan förlust i konvertering (obegränsad kapacitet), och att affärens egen säljare behåller alla andra steg. Konverteringarna är profilens; säljare utan värde för ett steg får teamets snitt.',
    reason_limited_capacity: 'Förutsätter att specialisten kan ta högst {capacity} fler affärer per steg (de som vinner mest), utan förlust i konvertering, och att affärens egen säljare behåller alla andra steg. Konverteringarna är profilens; säljare utan värde för ett steg får teamets snitt.',
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
    nextLowers: 'sænker den til',
    nextKeeps: 'lader den stå på',
    none: 'Ingen',
    why: 'Hvorfor dette tal',
    basedOnPrior: 'Fra procesmodellen (ingen historik endnu)',
    basedOnHistory: 'Lært fra {n} afsluttede salg',
    sellerSays: 'Sælgerens eget skøn (bruges ikke)',
    loading: 'Indlæser…',
    error: 'Kunne ikke beregne dette: tjek inddata',
    nextBest: 'Bedste næste trin',
    othersGain: 'Andre trin der løfter den',
    funnel: 'Milepælstragt (sandsynlighed ved hvert trin)',
    missingFn: 'Denne udgave af stagecast har endnu ikke {fn}(), så visningen kan ikke beregnes.',
    meetings: 'Ugens møder, rangeret efter værdi',
    plan: 'Mødeplan',
    budget: 'Dækningsbidragsbudget',
    enterBudget: 'Ingen mødeplan endnu: den kræver et dækningsbidragsbudget, møder per uge og antal uger.',
    requiredPerMeeting: 'Nødvendigt dækningsbidrag pr. møde',
    meetingsPlanned: 'Planlagte møder',
    expectedMargin: 'Forventet dækningsbidrag',
    gap: 'Afstand til budget',
    value: 'Værdi',
    rightCustomer: 'Rigtig kunde',
    rightPeople: 'Rigtige personer',
    prepared: 'Forberedt',
    worthIt: 'værd at bruge tid på',
    notWorthIt: 'under nødvendigt dækningsbidrag',
    name: 'Navn',
    saved: 'Gemt i denne browser.',
    forecast: 'Prognosespænd',
    target: 'Mål',
    pAtLeast: 'Chance for at nå målet',
    expected: 'Forventet',
    calibration: 'Kalibrering',
    reliability: 'Pålidelighed: forudsagt mod faktisk vinderrate',
    predicted: 'Forudsagt',
    observed: 'Faktisk',
    brier: 'Brier-score (lavere er bedre)',
    model: 'Denne model',
    versusSellers: 'Modellen mod sælgernes egne skøn',
    skills: 'Stærkere (▲) eller svagere (▼) end teamet ved',
    team: 'teamet',
    sellersCorrected: 'Sælgerne, korrigeret efter træfsikkerhed',
    view: 'Syn',
    priors: 'Kun startværdier',
    sellersOwn: 'Sælgernes egne skøn',
    bySeller: 'Pr. sælger',
    seller: 'Sælger',
    deals: 'Salg',
    importCsv: 'Importér salg fra CSV',
    chooseFile: 'Vælg en CSV-fil eller slip den her',
    preset: 'Kolonneopsætning',
    custom: 'Tilknyt manuelt',
    column: 'Kolonne',
    notMapped: '(bruges ikke)',
    load: 'Indlæs',
    parsing: 'Læser filen…',
    loaded: 'Salg indlæst: {n}. Rækker sprunget over på grund af fejl: {skipped}.',
    badRows: 'Rækker med fejl',
    noOpen: 'Ingen åbne salg at lave prognose for endnu.',
    noClosed: 'Ingen afsluttede salg at lære af endnu.',
    line: 'linje {n}',
    checkUnknown: 'ikke tjekket',
    role_decision_maker: 'beslutningstager',
    role_mobilizer: 'mobilisator',
    reason_deal_won: 'Aftalen er allerede vundet: mødet kan ikke øge chancerne.',
    reason_deal_lost: 'Aftalen er tabt: mødet kan ikke øge chancerne.',
    reason_not_ideal_customer: 'Ikke idealkunden: {attribute} er »{value}«, profilen kræver »{wanted}«.',
    reason_below_min_probability: 'Vindersandsynligheden, {probability}, er under minimummet for møder ({minProbability}).',
    reason_attribute_missing: 'Ukendt match: aftalen mangler {attribute}, som idealkundeprofilen kræver.',
    reason_fit_not_checked: 'Match ikke tjekket: der er ikke angivet nogen idealkundeprofil.',
    reason_ideal_customer: 'Åben aftale, der passer til idealkundeprofilen.',
    reason_key_person_attends: 'En {role} deltager: de personer, der flytter aftalen, er i rummet.',
    reason_people_engaged: 'Ingen beslutningstager eller mobilisator deltager, men »{milestone}« er allerede nået, så de er engagerede.',
    reason_no_key_people: 'Ingen beslutningstager eller mobilisator deltager, og ingen er engageret endnu: mødet flytter måske ikke aftalen.',
    reason_attendees_unknown: 'Ukendt: der er ikke angivet deltagere, og ingen beslutningstager eller mobilisator er engageret endnu.',
    reason_no_target: 'Ingen målmilepæl: ingen har sagt, hvad kunden skal bekræfte på dette møde.',
    reason_target_already_reached: 'Målet »{milestone}« er allerede nået: mødet sigter ikke mod noget nyt.',
    reason_marked_not_prepared: 'Målet er »{milestone}«, men sælgeren har markeret mødet som ikke forberedt.',
    reason_aims_at_target: 'Mødet sigter mod »{milestone}«.',
    reason_aims_at_target_confirmed: 'Mødet sigter mod »{milestone}«, og sælgeren har markeret det som forberedt.',
    reason_unlimited_capacity: 'Forudsætter, at specialisten kan tage alle aftaler på trinnet uden tab i konvertering (ubegrænset kapacitet), og at aftalens egen sælger beholder alle andre trin. Konverteringerne er profilens; sælgere uden tal for et trin får teamets gennemsnit.',
    reason_limited_capacity: 'Forudsætter, at specialisten kan tage højst {capacity} flere aftaler per trin (dem, der vinder mest), uden tab i konvertering, og at aftalens egen sælger beholder alle andre trin. Konverteringerne er profilens; sælgere uden tal for et trin får teamets gennemsnit.',
  },
};

// Strings added for issue 15 (the pages tried as new users would): field
// messages, the deal's funnel, the cross-validated scoreboard, seeded
// scenarios, import messages and the pages' own text (data-i18n).
const MORE = {
  en: {
    fitNotChecked: 'not checked: no ideal customer profile was given, so the fit is unknown.',
    nextMandatory: 'Next mandatory step',
    mandatoryNote: 'must be done before the deal can be won',
    outcome: '{label}: the deal is won. A signed contract is the outcome, so the probability is 100%.',
    untitled: 'Unnamed deal',
    funnelDeal: 'Where this deal stands: the chance of reaching each mandatory step',
    funnelDone: 'done',
    funnelHere: 'this deal is here',
    notChecked: 'not checked',
    budgetMsg: 'Enter a budget above 0: with no budget, no meeting is measured against it.',
    marginEmpty: 'Empty: the next step’s worth is shown on the deal value instead. Enter the margin to see it on the margin.',
    mustBePositive: 'Must be 0 or more: {v} is still used.',
    tooLarge: 'At most {max}: {v} is still used.',
    notNumber: 'Not a number: {v} is still used.',
    nameEmpty: 'Give the deal a name: it is shown as “{name}” meanwhile.',
    cvMethod: 'Cross-validated ({k} folds): each closed deal is scored by a model calibrated without it, so these figures show how the model does on deals it has not seen.',
    priorMethod: 'The model’s priors, not learned from these deals: the figures are out of sample.',
    inSample: 'Per seller: scored on the deals the model learned from (in sample).',
    insufficient: 'Insufficient history: {n} closed deals ({min} needed). These figures are not reliable yet.',
    surplus: 'Surplus over budget',
    columnIs: 'column {c}',
    notCsv: 'This is not a CSV file ({what}): save it as CSV (comma-separated values) and import that.',
    excel: 'it looks like an Excel workbook',
    binary: 'it contains binary data',
  },
  nb: {
    fitNotChecked: 'ikke sjekket: ingen ideell kundeprofil er gitt, så om kunden passer er ukjent.',
    nextMandatory: 'Neste obligatoriske steg',
    mandatoryNote: 'må gjøres før salget kan vinnes',
    outcome: '{label}: salget er vunnet. En signert kontrakt er utfallet, så sannsynligheten er 100 %.',
    untitled: 'Salg uten navn',
    funnelDeal: 'Hvor dette salget står: sjansen for å nå hvert obligatoriske steg',
    funnelDone: 'gjort',
    funnelHere: 'salget er her',
    notChecked: 'ikke sjekket',
    budgetMsg: 'Skriv inn et budsjett over 0: uten budsjett måles ingen møter mot det.',
    marginEmpty: 'Tomt: verdien av neste steg vises på salgsverdien i stedet. Skriv inn dekningsbidraget for å se den på det.',
    mustBePositive: 'Må være 0 eller mer: {v} brukes fortsatt.',
    tooLarge: 'Høyst {max}: {v} brukes fortsatt.',
    notNumber: 'Ikke et tall: {v} brukes fortsatt.',
    nameEmpty: 'Gi salget et navn: det vises som «{name}» så lenge.',
    cvMethod: 'Kryssvalidert ({k} deler): hvert avsluttet salg scores av en modell kalibrert uten det, så tallene viser hvordan modellen treffer på salg den ikke har sett.',
    priorMethod: 'Modellens startverdier, ikke lært fra disse salgene: tallene er utenfor utvalget.',
    inSample: 'Per selger: scoret på salgene modellen lærte av (i utvalget).',
    insufficient: 'For lite historikk: {n} avsluttede salg ({min} trengs). Tallene er ikke pålitelige ennå.',
    surplus: 'Overskudd over budsjett',
    columnIs: 'kolonne {c}',
    notCsv: 'Dette er ikke en CSV-fil ({what}): lagre den som CSV (kommaseparerte verdier) og importer den.',
    excel: 'den ser ut som en Excel-arbeidsbok',
    binary: 'den inneholder binærdata',
  },
  sv: {
    fitNotChecked: 'inte kontrollerat: ingen idealkundprofil angavs, så om kunden passar är okänt.',
    nextMandatory: 'Nästa obligatoriska steg',
    mandatoryNote: 'måste göras innan affären kan vinnas',
    outcome: '{label}: affären är vunnen. Ett signerat avtal är utfallet, så sannolikheten är 100 %.',
    untitled: 'Affär utan namn',
    funnelDeal: 'Var affären står: chansen att nå varje obligatoriskt steg',
    funnelDone: 'klart',
    funnelHere: 'affären är här',
    notChecked: 'inte kontrollerat',
    budgetMsg: 'Ange en budget över 0: utan budget mäts inga möten mot den.',
    marginEmpty: 'Tomt: nästa stegs värde visas på affärens värde i stället. Ange täckningsbidraget för att se det på det.',
    mustBePositive: 'Måste vara 0 eller mer: {v} används fortfarande.',
    tooLarge: 'Högst {max}: {v} används fortfarande.',
    notNumber: 'Inte ett tal: {v} används fortfarande.',
    nameEmpty: 'Ge affären ett namn: den visas som ”{name}” så länge.',
    cvMethod: 'Korsvaliderat ({k} delar): varje avslutad affär poängsätts av en modell kalibrerad utan den, så siffrorna visar hur modellen träffar på affärer den inte sett.',
    priorMethod: 'Modellens startvärden, inte inlärda från dessa affärer: siffrorna är utanför urvalet.',
    inSample: 'Per säljare: poängsatt på affärerna modellen lärde sig av (i urvalet).',
    insufficient: 'För lite historik: {n} avslutade affärer ({min} behövs). Siffrorna är inte tillförlitliga ännu.',
    surplus: 'Överskott mot budget',
    columnIs: 'kolumn {c}',
    notCsv: 'Det här är inte en CSV-fil ({what}): spara den som CSV (kommaseparerade värden) och importera den.',
    excel: 'den ser ut som en Excel-arbetsbok',
    binary: 'den innehåller binärdata',
  },
  da: {
    fitNotChecked: 'ikke tjekket: ingen ideel kundeprofil er angivet, så om kunden passer er ukendt.',
    nextMandatory: 'Næste obligatoriske trin',
    mandatoryNote: 'skal gøres, før salget kan vindes',
    outcome: '{label}: salget er vundet. En underskrevet kontrakt er udfaldet, så sandsynligheden er 100 %.',
    untitled: 'Salg uden navn',
    funnelDeal: 'Hvor salget står: chancen for at nå hvert obligatorisk trin',
    funnelDone: 'gjort',
    funnelHere: 'salget er her',
    notChecked: 'ikke tjekket',
    budgetMsg: 'Angiv et budget over 0: uden budget måles ingen møder mod det.',
    marginEmpty: 'Tomt: værdien af næste trin vises på salgsværdien i stedet. Angiv dækningsbidraget for at se den på det.',
    mustBePositive: 'Skal være 0 eller mere: {v} bruges stadig.',
    tooLarge: 'Højst {max}: {v} bruges stadig.',
    notNumber: 'Ikke et tal: {v} bruges stadig.',
    nameEmpty: 'Giv salget et navn: det vises som »{name}« imens.',
    cvMethod: 'Krydsvalideret ({k} dele): hvert afsluttet salg scores af en model kalibreret uden det, så tallene viser, hvordan modellen rammer på salg, den ikke har set.',
    priorMethod: 'Modellens startværdier, ikke lært fra disse salg: tallene er uden for stikprøven.',
    inSample: 'Pr. sælger: scoret på de salg, modellen lærte af (i stikprøven).',
    insufficient: 'For lidt historik: {n} afsluttede salg ({min} kræves). Tallene er ikke pålidelige endnu.',
    surplus: 'Overskud i forhold til budget',
    columnIs: 'kolonne {c}',
    notCsv: 'Dette er ikke en CSV-fil ({what}): gem den som CSV (kommaseparerede værdier) og importér den.',
    excel: 'den ligner en Excel-projektmappe',
    binary: 'den indeholder binære data',
  },
};
addStrings(MORE);

// Task "codes" (issue 14 item 3): the engine's codes worded. Score reasons
// (`why_<code>`, src/probability.rs Reason), import row problems
// (`problem_<code>`, src/import/history.rs Problem), import notices
// (`notice_<code>`, worded in the CRMUI block below), engine errors
// shown to users, and the default model's milestone labels (`ms.<id>`).
// A key ending in `_one` is used when the reason's count is singular.
const CODES = {
  en: {
    why_start: 'No milestone confirmed yet: {probability} is the starting probability of the process.',
    why_furthest_step: 'Furthest step in good standing: “{milestone}” ({probability}).',
    why_missing_prerequisites_one: '“{milestone}” is reached, but {missing} step before it is missing, so it counts for less ({probability} instead of {prior}).',
    why_missing_prerequisites: '“{milestone}” is reached, but {missing} steps before it are missing, so it counts for less ({probability} instead of {prior}).',
    why_out_of_order: 'Steps done out of order ({milestones}): deals that skip ahead win less often, {probability} instead of {before}.',
    why_out_of_order_as_missing: 'Steps done out of order ({milestones}): scored as if {late} were not done yet, which counts for more here ({probability} instead of {before}).',
    why_learned_state: 'Learned from {deals} closed deals that reached this stage: {share} won.',
    why_thin_state_one: 'Only {deals} closed deal reached exactly this stage, so the number leans on deals at similar stages.',
    why_thin_state: 'Only {deals} closed deals reached exactly this stage, so the number leans on deals at similar stages.',
    why_history_rate: 'History puts this stage at {probability} (90% credible range {low} to {high}).',
    why_attribute_effect_up_one: '{attribute} = {value} raises it by {points} point.',
    why_attribute_effect_up: '{attribute} = {value} raises it by {points} points.',
    why_attribute_effect_down_one: '{attribute} = {value} lowers it by {points} point.',
    why_attribute_effect_down: '{attribute} = {value} lowers it by {points} points.',
    why_pair_effect_up_one: '{attribute} = {value} at this stage raises it by {points} point.',
    why_pair_effect_up: '{attribute} = {value} at this stage raises it by {points} points.',
    why_pair_effect_down_one: '{attribute} = {value} at this stage lowers it by {points} point.',
    why_pair_effect_down: '{attribute} = {value} at this stage lowers it by {points} points.',
    why_pair_effect_with_up_one: '{attribute} = {value} together with {withAttribute} = {withValue} raises it by {points} point.',
    why_pair_effect_with_up: '{attribute} = {value} together with {withAttribute} = {withValue} raises it by {points} points.',
    why_pair_effect_with_down_one: '{attribute} = {value} together with {withAttribute} = {withValue} lowers it by {points} point.',
    why_pair_effect_with_down: '{attribute} = {value} together with {withAttribute} = {withValue} lowers it by {points} points.',
    why_insufficient_history_one: 'Insufficient history: {deals} closed deal (at least {needed} are needed), so the model’s priors are used.',
    why_insufficient_history: 'Insufficient history: {deals} closed deals (at least {needed} are needed), so the model’s priors are used.',
    why_seller_estimate: 'The seller’s own estimate ({probability}) is shown for comparison only; it does not move the number.',
    why_deal_won: '“{milestone}” is the outcome: the deal is won, so its probability is {hundred}.',
    problem_duplicate_id_seen: 'the id “{id}” is already used above',
    problem_short_row: 'has {cells} of {columns} columns',
    problem_stage_not_in_map: 'the stage “{value}” is not in the stage map',
    problem_not_yes_no_or_date: 'not yes/no or a date: “{value}”',
    status_won: 'won',
    status_lost: 'lost',
    status_open: 'open',
    errorAt: 'The value at “{path}” is not valid.',
    importError_missing_column: 'The file has no column “{column}”.',
    importError_no_header: 'The file has no header line.',
    importError_bad_header: 'The header line cannot be read.',
    importError_too_large: 'The file is too large.',
    importError_unknown_milestone: 'The stage “{stage}” maps to an unknown milestone “{milestone}”.',
    exampleFailed: 'Could not load the example data.',
    'preset.hubspot': 'HubSpot deals export',
    'preset.salesforce': 'Salesforce opportunities export',
    'preset.pipedrive': 'Pipedrive deals export',
    'preset.maven': 'Maven CRM sales_pipeline.csv',
    calibrationFailed: 'Calibration failed: the model’s priors are used.',
  },
  nb: {
    why_start: 'Ingen milepæl bekreftet ennå: {probability} er prosessens startsannsynlighet.',
    why_furthest_step: 'Lengste steg i god orden: «{milestone}» ({probability}).',
    why_missing_prerequisites_one: '«{milestone}» er nådd, men {missing} steg før det mangler, så det teller mindre ({probability} i stedet for {prior}).',
    why_missing_prerequisites: '«{milestone}» er nådd, men {missing} steg før det mangler, så det teller mindre ({probability} i stedet for {prior}).',
    why_out_of_order: 'Steg gjort i feil rekkefølge ({milestones}): salg som hopper over steg, vinner sjeldnere, {probability} i stedet for {before}.',
    why_out_of_order_as_missing: 'Steg gjort i feil rekkefølge ({milestones}): regnet som om {late} ikke var gjort ennå, som teller mer her ({probability} i stedet for {before}).',
    why_learned_state: 'Lært fra {deals} avsluttede salg som nådde dette steget: {share} vunnet.',
    why_thin_state_one: 'Bare {deals} avsluttet salg nådde nøyaktig dette steget, så tallet støtter seg på salg ved lignende steg.',
    why_thin_state: 'Bare {deals} avsluttede salg nådde nøyaktig dette steget, så tallet støtter seg på salg ved lignende steg.',
    why_history_rate: 'Historikken setter dette steget til {probability} (90 % troverdig spenn {low} til {high}).',
    why_attribute_effect_up_one: '{attribute} = {value} løfter den med {points} prosentpoeng.',
    why_attribute_effect_up: '{attribute} = {value} løfter den med {points} prosentpoeng.',
    why_attribute_effect_down_one: '{attribute} = {value} senker den med {points} prosentpoeng.',
    why_attribute_effect_down: '{attribute} = {value} senker den med {points} prosentpoeng.',
    why_pair_effect_up_one: '{attribute} = {value} på dette trinnet løfter den med {points} prosentpoeng.',
    why_pair_effect_up: '{attribute} = {value} på dette trinnet løfter den med {points} prosentpoeng.',
    why_pair_effect_down_one: '{attribute} = {value} på dette trinnet senker den med {points} prosentpoeng.',
    why_pair_effect_down: '{attribute} = {value} på dette trinnet senker den med {points} prosentpoeng.',
    why_pair_effect_with_up_one: '{attribute} = {value} sammen med {withAttribute} = {withValue} løfter den med {points} prosentpoeng.',
    why_pair_effect_with_up: '{attribute} = {value} sammen med {withAttribute} = {withValue} løfter den med {points} prosentpoeng.',
    why_pair_effect_with_down_one: '{attribute} = {value} sammen med {withAttribute} = {withValue} senker den med {points} prosentpoeng.',
    why_pair_effect_with_down: '{attribute} = {value} sammen med {withAttribute} = {withValue} senker den med {points} prosentpoeng.',
    why_insufficient_history_one: 'For lite historikk: {deals} avsluttet salg (minst {needed} trengs), så modellens startverdier brukes.',
    why_insufficient_history: 'For lite historikk: {deals} avsluttede salg (minst {needed} trengs), så modellens startverdier brukes.',
    why_seller_estimate: 'Selgerens egen vurdering ({probability}) vises bare til sammenligning; den flytter ikke tallet.',
    why_deal_won: '«{milestone}» er utfallet: salget er vunnet, så sannsynligheten er {hundred}.',
    problem_duplicate_id_seen: 'id-en «{id}» er allerede brukt lenger opp',
    problem_short_row: 'har {cells} av {columns} kolonner',
    problem_stage_not_in_map: 'steget «{value}» finnes ikke i stegkartet',
    problem_not_yes_no_or_date: 'ikke ja/nei eller en dato: «{value}»',
    status_won: 'vunnet',
    status_lost: 'tapt',
    status_open: 'åpent',
    errorAt: 'Verdien ved «{path}» er ikke gyldig.',
    importError_missing_column: 'Filen har ingen kolonne «{column}».',
    importError_no_header: 'Filen har ingen overskriftslinje.',
    importError_bad_header: 'Overskriftslinjen kan ikke leses.',
    importError_too_large: 'Filen er for stor.',
    importError_unknown_milestone: 'Steget «{stage}» peker på en ukjent milepæl «{milestone}».',
    exampleFailed: 'Kunne ikke laste eksempeldataene.',
    'preset.hubspot': 'HubSpot-eksport av salg',
    'preset.salesforce': 'Salesforce-eksport av muligheter',
    'preset.pipedrive': 'Pipedrive-eksport av salg',
    calibrationFailed: 'Kalibreringen mislyktes: modellens startverdier brukes.',
    'ms.need_confirmed': 'Behov bekreftet av kunden',
    'ms.mobilizer_met': 'Mobilisator identifisert og møtt',
    'ms.decision_process_mapped': 'Beslutningsprosess kartlagt med kunden',
    'ms.budget_confirmed': 'Budsjett bekreftet av kunden',
    'ms.solution_presented': 'Løsning presentert for beslutningsgruppen',
    'ms.proposal_requested': 'Tilbud etterspurt av kunden',
    'ms.verbal_yes': 'Muntlig ja fra beslutningstakeren',
    'ms.contract_signed': 'Kontrakt signert',
  },
  sv: {
    why_start: 'Ingen milstolpe bekräftad ännu: {probability} är processens startsannolikhet.',
    why_furthest_step: 'Längsta steget i god ordning: ”{milestone}” ({probability}).',
    why_missing_prerequisites_one: '”{milestone}” är nått, men {missing} steg före det saknas, så det räknas lägre ({probability} i stället för {prior}).',
    why_missing_prerequisites: '”{milestone}” är nått, men {missing} steg före det saknas, så det räknas lägre ({probability} i stället för {prior}).',
    why_out_of_order: 'Steg gjorda i fel ordning ({milestones}): affärer som hoppar över steg vinner mer sällan, {probability} i stället för {before}.',
    why_out_of_order_as_missing: 'Steg gjorda i fel ordning ({milestones}): räknat som om {late} inte var gjort ännu, vilket väger mer här ({probability} i stället för {before}).',
    why_learned_state: 'Inlärt från {deals} avslutade affärer som nådde detta steg: {share} vunna.',
    why_thin_state_one: 'Bara {deals} avslutad affär nådde exakt detta steg, så siffran lutar sig mot affärer vid liknande steg.',
    why_thin_state: 'Bara {deals} avslutade affärer nådde exakt detta steg, så siffran lutar sig mot affärer vid liknande steg.',
    why_history_rate: 'Historiken sätter detta steg till {probability} (90 % trovärdigt intervall {low} till {high}).',
    why_attribute_effect_up_one: '{attribute} = {value} höjer den med {points} procentenhet.',
    why_attribute_effect_up: '{attribute} = {value} höjer den med {points} procentenheter.',
    why_attribute_effect_down_one: '{attribute} = {value} sänker den med {points} procentenhet.',
    why_attribute_effect_down: '{attribute} = {value} sänker den med {points} procentenheter.',
    why_pair_effect_up_one: '{attribute} = {value} i detta steg höjer den med {points} procentenhet.',
    why_pair_effect_up: '{attribute} = {value} i detta steg höjer den med {points} procentenheter.',
    why_pair_effect_down_one: '{attribute} = {value} i detta steg sänker den med {points} procentenhet.',
    why_pair_effect_down: '{attribute} = {value} i detta steg sänker den med {points} procentenheter.',
    why_pair_effect_with_up_one: '{attribute} = {value} tillsammans med {withAttribute} = {withValue} höjer den med {points} procentenhet.',
    why_pair_effect_with_up: '{attribute} = {value} tillsammans med {withAttribute} = {withValue} höjer den med {points} procentenheter.',
    why_pair_effect_with_down_one: '{attribute} = {value} tillsammans med {withAttribute} = {withValue} sänker den med {points} procentenhet.',
    why_pair_effect_with_down: '{attribute} = {value} tillsammans med {withAttribute} = {withValue} sänker den med {points} procentenheter.',
    why_insufficient_history_one: 'För lite historik: {deals} avslutad affär (minst {needed} behövs), så modellens startvärden används.',
    why_insufficient_history: 'För lite historik: {deals} avslutade affärer (minst {needed} behövs), så modellens startvärden används.',
    why_seller_estimate: 'Säljarens egen bedömning ({probability}) visas bara som jämförelse; den påverkar inte siffran.',
    why_deal_won: '”{milestone}” är utfallet: affären är vunnen, så sannolikheten är {hundred}.',
    problem_duplicate_id_seen: 'id:t ”{id}” används redan längre upp',
    problem_short_row: 'har {cells} av {columns} kolumner',
    problem_stage_not_in_map: 'steget ”{value}” finns inte i stegkartan',
    problem_not_yes_no_or_date: 'inte ja/nej eller ett datum: ”{value}”',
    status_won: 'vunnen',
    status_lost: 'förlorad',
    status_open: 'öppen',
    errorAt: 'Värdet vid ”{path}” är inte giltigt.',
    importError_missing_column: 'Filen har ingen kolumn ”{column}”.',
    importError_no_header: 'Filen har ingen rubrikrad.',
    importError_bad_header: 'Rubrikraden kan inte läsas.',
    importError_too_large: 'Filen är för stor.',
    importError_unknown_milestone: 'Steget ”{stage}” pekar på en okänd milstolpe ”{milestone}”.',
    exampleFailed: 'Kunde inte ladda exempeldata.',
    'preset.hubspot': 'HubSpot-export av affärer',
    'preset.salesforce': 'Salesforce-export av affärsmöjligheter',
    'preset.pipedrive': 'Pipedrive-export av affärer',
    calibrationFailed: 'Kalibreringen misslyckades: modellens startvärden används.',
    'ms.need_confirmed': 'Behov bekräftat av kunden',
    'ms.mobilizer_met': 'Mobiliserare identifierad och träffad',
    'ms.decision_process_mapped': 'Beslutsprocess kartlagd med kunden',
    'ms.budget_confirmed': 'Budget bekräftad av kunden',
    'ms.solution_presented': 'Lösning presenterad för beslutsgruppen',
    'ms.proposal_requested': 'Offert efterfrågad av kunden',
    'ms.verbal_yes': 'Muntligt ja från beslutsfattaren',
    'ms.contract_signed': 'Avtal signerat',
  },
  da: {
    why_start: 'Ingen milepæl bekræftet endnu: {probability} er processens startsandsynlighed.',
    why_furthest_step: 'Længste trin i god orden: »{milestone}« ({probability}).',
    why_missing_prerequisites_one: '»{milestone}« er nået, men {missing} trin før det mangler, så det tæller mindre ({probability} i stedet for {prior}).',
    why_missing_prerequisites: '»{milestone}« er nået, men {missing} trin før det mangler, så det tæller mindre ({probability} i stedet for {prior}).',
    why_out_of_order: 'Trin udført i forkert rækkefølge ({milestones}): salg, der springer trin over, vindes sjældnere, {probability} i stedet for {before}.',
    why_out_of_order_as_missing: 'Trin udført i forkert rækkefølge ({milestones}): regnet, som om {late} ikke var udført endnu, hvilket tæller mere her ({probability} i stedet for {before}).',
    why_learned_state: 'Lært fra {deals} afsluttede salg, der nåede dette trin: {share} vundet.',
    why_thin_state_one: 'Kun {deals} afsluttet salg nåede præcis dette trin, så tallet læner sig op ad salg ved lignende trin.',
    why_thin_state: 'Kun {deals} afsluttede salg nåede præcis dette trin, så tallet læner sig op ad salg ved lignende trin.',
    why_history_rate: 'Historikken sætter dette trin til {probability} (90 % troværdigt spænd {low} til {high}).',
    why_attribute_effect_up_one: '{attribute} = {value} løfter den med {points} procentpoint.',
    why_attribute_effect_up: '{attribute} = {value} løfter den med {points} procentpoint.',
    why_attribute_effect_down_one: '{attribute} = {value} sænker den med {points} procentpoint.',
    why_attribute_effect_down: '{attribute} = {value} sænker den med {points} procentpoint.',
    why_pair_effect_up_one: '{attribute} = {value} på dette trin løfter den med {points} procentpoint.',
    why_pair_effect_up: '{attribute} = {value} på dette trin løfter den med {points} procentpoint.',
    why_pair_effect_down_one: '{attribute} = {value} på dette trin sænker den med {points} procentpoint.',
    why_pair_effect_down: '{attribute} = {value} på dette trin sænker den med {points} procentpoint.',
    why_pair_effect_with_up_one: '{attribute} = {value} sammen med {withAttribute} = {withValue} løfter den med {points} procentpoint.',
    why_pair_effect_with_up: '{attribute} = {value} sammen med {withAttribute} = {withValue} løfter den med {points} procentpoint.',
    why_pair_effect_with_down_one: '{attribute} = {value} sammen med {withAttribute} = {withValue} sænker den med {points} procentpoint.',
    why_pair_effect_with_down: '{attribute} = {value} sammen med {withAttribute} = {withValue} sænker den med {points} procentpoint.',
    why_insufficient_history_one: 'For lidt historik: {deals} afsluttet salg (mindst {needed} kræves), så modellens startværdier bruges.',
    why_insufficient_history: 'For lidt historik: {deals} afsluttede salg (mindst {needed} kræves), så modellens startværdier bruges.',
    why_seller_estimate: 'Sælgerens eget skøn ({probability}) vises kun til sammenligning; det flytter ikke tallet.',
    why_deal_won: '»{milestone}« er udfaldet: salget er vundet, så sandsynligheden er {hundred}.',
    problem_duplicate_id_seen: 'id’et »{id}« er allerede brugt længere oppe',
    problem_short_row: 'har {cells} af {columns} kolonner',
    problem_stage_not_in_map: 'trinnet »{value}« findes ikke i trinkortet',
    problem_not_yes_no_or_date: 'ikke ja/nej eller en dato: »{value}«',
    status_won: 'vundet',
    status_lost: 'tabt',
    status_open: 'åbent',
    errorAt: 'Værdien ved »{path}« er ikke gyldig.',
    importError_missing_column: 'Filen har ingen kolonne »{column}«.',
    importError_no_header: 'Filen har ingen overskriftslinje.',
    importError_bad_header: 'Overskriftslinjen kan ikke læses.',
    importError_too_large: 'Filen er for stor.',
    importError_unknown_milestone: 'Trinnet »{stage}« peger på en ukendt milepæl »{milestone}«.',
    exampleFailed: 'Kunne ikke indlæse eksempeldata.',
    'preset.hubspot': 'HubSpot-eksport af salg',
    'preset.salesforce': 'Salesforce-eksport af muligheder',
    'preset.pipedrive': 'Pipedrive-eksport af salg',
    calibrationFailed: 'Kalibreringen mislykkedes: modellens startværdier bruges.',
    'ms.need_confirmed': 'Behov bekræftet af kunden',
    'ms.mobilizer_met': 'Mobilisator identificeret og mødt',
    'ms.decision_process_mapped': 'Beslutningsproces kortlagt med kunden',
    'ms.budget_confirmed': 'Budget bekræftet af kunden',
    'ms.solution_presented': 'Løsning præsenteret for beslutningsgruppen',
    'ms.proposal_requested': 'Tilbud efterspurgt af kunden',
    'ms.verbal_yes': 'Mundtligt ja fra beslutningstageren',
    'ms.contract_signed': 'Kontrakt underskrevet',
  },
};
addStrings(CODES);

/** The default model's milestone labels in English, by id (src/model.rs). */
export const DEFAULT_LABELS = {
  need_confirmed: 'Need confirmed by the customer',
  mobilizer_met: 'Mobilizer identified and met',
  decision_process_mapped: 'Decision process mapped with the customer',
  budget_confirmed: 'Budget confirmed by the customer',
  solution_presented: 'Solution presented to the decision group',
  proposal_requested: 'Proposal requested by the customer',
  verbal_yes: 'Verbal yes from the decision maker',
  contract_signed: 'Contract signed',
};

/**
 * A milestone's label in the locale key `key`: the model's own label, except
 * that a default-model label (or a missing one) is translated by id.
 */
export function milestoneName(key, m) {
  const id = m && m.id;
  const label = m && m.label;
  if ((!label || label === DEFAULT_LABELS[id]) && STRINGS[key] && STRINGS[key][`ms.${id}`]) return STRINGS[key][`ms.${id}`];
  return label || DEFAULT_LABELS[id] || id;
}

/** A function from milestone id to its label in `key`, over a model's milestones. */
export function milestoneNamer(key, model) {
  const byId = new Map(((model && model.milestones) || []).map((m) => [m.id, m]));
  return (id) => milestoneName(key, byId.get(id) || { id });
}

// The parameter that decides singular or plural, per code.
const COUNTS = { missing_prerequisites: 'missing', thin_state: 'deals', insufficient_history: 'deals', attribute_effect: 'points', pair_effect: 'points' };
const PERCENTS = ['probability', 'minProbability', 'prior', 'before', 'low', 'high', 'wonShare', 'lostShare'];
const NUMBERS = ['deals', 'needed', 'missing', 'cells', 'columns', 'maxBytes', 'firstLine', 'won', 'lost', 'open', 'n'];

/**
 * Words any code of the engine (`{ code, ...params }`) in the locale `loc`
 * (`{ key, tag }`): `prefix` picks the family (`why_` score reasons,
 * `problem_` import rows, `notice_`, `warning_`, `reason_` meeting checks).
 * Milestone ids go through `milestoneLabel`, numbers through Intl.
 */
export function wordCode(loc, reason, prefix, milestoneLabel = (id) => id) {
  if (!reason || typeof reason.code !== 'string') return '';
  const { code, ...p } = reason;
  const vars = { ...p };
  for (const k of PERCENTS) if (typeof p[k] === 'number') vars[k] = formatPercent(loc.tag, p[k]);
  for (const k of NUMBERS) if (typeof p[k] === 'number') vars[k] = formatNumber(loc.tag, p[k]);
  for (const k of ['brier', 'baseBrier', 'skill', 'maxSkill', 'min', 'max']) if (typeof p[k] === 'number') vars[k] = formatNumber(loc.tag, p[k], 3);
  if (p.milestone != null) vars.milestone = milestoneLabel(p.milestone);
  for (const k of ['milestones', 'late']) if (Array.isArray(p[k])) vars[k] = p[k].map((id) => milestoneLabel(id)).join(', ');
  if (p.role != null) vars.role = t(loc.key, `role_${p.role}`);
  if (p.outcome != null) vars.outcome = t(loc.key, `status_${p.outcome}`);
  if (p.capacity != null) vars.capacity = formatNumber(loc.tag, p.capacity);
  if (typeof p.deals === 'number' && typeof p.won === 'number' && p.deals > 0) vars.share = formatPercent(loc.tag, p.won / p.deals);
  vars.hundred = formatPercent(loc.tag, 1);
  let name = `${prefix}${code}`;
  if (code === 'aims_at_target' && p.confirmed) name = 'reason_aims_at_target_confirmed';
  if (code === 'duplicate_id' && !p.firstLine) name = `${prefix}duplicate_id_seen`;
  if ((code === 'attribute_effect' || code === 'pair_effect') && typeof p.points === 'number') {
    name = `${prefix}${code}${p.withAttribute ? '_with' : ''}_${p.points < 0 ? 'down' : 'up'}`;
    vars.points = formatNumber(loc.tag, Math.abs(p.points));
  }
  const count = COUNTS[code] && p[COUNTS[code]];
  if (typeof count === 'number' && STRINGS.en[`${name}_one`] && pluralOne(loc.tag, Math.abs(count))) name = `${name}_one`;
  return t(loc.key, name, vars);
}

function pluralOne(tag, n) {
  try {
    return new Intl.PluralRules(tag).select(n) === 'one';
  } catch {
    return n === 1;
  }
}

/**
 * A JS Error from the engine, for a user: worded from its code (`detail`)
 * or its field path ("deals[3].value: ..."), never its English message.
 */
export function wordError(loc, e) {
  const d = e && e.detail;
  // The engine's checks: `{ code, ...params, path }` (src/error.rs `Code`).
  if (d && typeof d.code === 'string' && typeof d.path === 'string') {
    const path = d.path || t(loc.key, 'errorInput');
    if (!STRINGS.en[`engineError_${d.code}`]) return d.path ? t(loc.key, 'errorAt', { path }) : t(loc.key, 'error');
    return wordCode(loc, { ...d, path, expected: Array.isArray(d.expected) ? d.expected.join(', ') : '' }, 'engineError_');
  }
  if (d && typeof d.code === 'string') return wordCode(loc, d, 'importError_');
  const m = /^([A-Za-z_$][\w$]*(?:\[\d+\]|\.[A-Za-z_$][\w$]*)*): /.exec((e && e.message) || '');
  return m ? t(loc.key, 'errorAt', { path: m[1] }) : t(loc.key, 'error');
}
// Strings for the engine's error codes (issue 14: errors as data).
const ENGINE_ERRORS = {
  en: {
    errorInput: 'the input',
    engineError_required: '“{path}” is missing.',
    engineError_non_negative: '“{path}” must be a number of 0 or more.',
    engineError_finite: '“{path}” must be a number.',
    engineError_probability: '“{path}” must be a probability between 0 and 1.',
    engineError_positive: '“{path}” must be more than 0.',
    engineError_too_long: '“{path}” is longer than {max} characters.',
    engineError_too_many: '“{path}” has more than {max} entries.',
    engineError_unknown_milestone: '“{path}”: “{milestone}” is not a milestone of this model.',
    engineError_not_a_date: '“{path}”: “{value}” is not a date (YYYY-MM-DD).',
    engineError_wrong_type: '“{path}” has the wrong kind of value.',
    engineError_unknown_value: '“{path}”: “{value}” is not one of {expected}.',
    engineError_duplicate: '“{path}” is given twice.',
    engineError_not_closed: '“{path}”: history holds only won or lost deals.',
    // Codes of the widget's checks (task: codes).
    engineError_range: '“{path}” must be between {min} and {max}.',
    engineError_either: 'Give “{path}” or “{other}”, not both.',
    engineError_not_found: '“{path}”: no “{value}”.',
    engineError_cycle: '“{path}”: the order goes in a circle.',
    engineError_reserved: '“{path}”: “{value}” is not allowed.',
  },
  nb: {
    errorInput: 'inndataene',
    engineError_required: '«{path}» mangler.',
    engineError_non_negative: '«{path}» må være et tall på 0 eller mer.',
    engineError_finite: '«{path}» må være et tall.',
    engineError_probability: '«{path}» må være en sannsynlighet mellom 0 og 1.',
    engineError_positive: '«{path}» må være større enn 0.',
    engineError_too_long: '«{path}» er lengre enn {max} tegn.',
    engineError_too_many: '«{path}» har mer enn {max} oppføringer.',
    engineError_unknown_milestone: '«{path}»: «{milestone}» er ikke en milepæl i denne modellen.',
    engineError_not_a_date: '«{path}»: «{value}» er ikke en dato (ÅÅÅÅ-MM-DD).',
    engineError_wrong_type: '«{path}» har feil type verdi.',
    engineError_unknown_value: '«{path}»: «{value}» er ikke en av {expected}.',
    engineError_duplicate: '«{path}» er oppgitt to ganger.',
    engineError_not_closed: '«{path}»: historikken skal bare ha vunne eller tapte salg.',
    // Codes of the widget's checks (task: codes).
    engineError_range: '«{path}» må være mellom {min} og {max}.',
    engineError_either: 'Oppgi «{path}» eller «{other}», ikke begge.',
    engineError_not_found: '«{path}»: ingen «{value}».',
    engineError_cycle: '«{path}»: rekkefølgen går i ring.',
    engineError_reserved: '«{path}»: «{value}» er ikke tillatt.',
  },
  sv: {
    errorInput: 'indata',
    engineError_required: '”{path}” saknas.',
    engineError_non_negative: '”{path}” måste vara ett tal på 0 eller mer.',
    engineError_finite: '”{path}” måste vara ett tal.',
    engineError_probability: '”{path}” måste vara en sannolikhet mellan 0 och 1.',
    engineError_positive: '”{path}” måste vara större än 0.',
    engineError_too_long: '”{path}” är längre än {max} tecken.',
    engineError_too_many: '”{path}” har fler än {max} poster.',
    engineError_unknown_milestone: '”{path}”: ”{milestone}” är inte en milstolpe i den här modellen.',
    engineError_not_a_date: '”{path}”: ”{value}” är inte ett datum (ÅÅÅÅ-MM-DD).',
    engineError_wrong_type: '”{path}” har fel sorts värde.',
    engineError_unknown_value: '”{path}”: ”{value}” är inte något av {expected}.',
    engineError_duplicate: '”{path}” anges två gånger.',
    engineError_not_closed: '”{path}”: historiken får bara innehålla vunna eller förlorade affärer.',
    // Codes of the widget's checks (task: codes).
    engineError_range: '”{path}” måste vara mellan {min} och {max}.',
    engineError_either: 'Ange ”{path}” eller ”{other}”, inte båda.',
    engineError_not_found: '”{path}”: ingen ”{value}”.',
    engineError_cycle: '”{path}”: ordningen går i cirkel.',
    engineError_reserved: '”{path}”: ”{value}” är inte tillåtet.',
  },
  da: {
    errorInput: 'inddata',
    engineError_required: '»{path}« mangler.',
    engineError_non_negative: '»{path}« skal være et tal på 0 eller mere.',
    engineError_finite: '»{path}« skal være et tal.',
    engineError_probability: '»{path}« skal være en sandsynlighed mellem 0 og 1.',
    engineError_positive: '»{path}« skal være større end 0.',
    engineError_too_long: '»{path}« er længere end {max} tegn.',
    engineError_too_many: '»{path}« har flere end {max} poster.',
    engineError_unknown_milestone: '»{path}«: »{milestone}« er ikke en milepæl i denne model.',
    engineError_not_a_date: '»{path}«: »{value}« er ikke en dato (ÅÅÅÅ-MM-DD).',
    engineError_wrong_type: '»{path}« har den forkerte slags værdi.',
    engineError_unknown_value: '»{path}«: »{value}« er ikke en af {expected}.',
    engineError_duplicate: '»{path}« er angivet to gange.',
    engineError_not_closed: '»{path}«: historikken må kun indeholde vundne eller tabte salg.',
    // Codes of the widget's checks (task: codes).
    engineError_range: '»{path}« skal være mellem {min} og {max}.',
    engineError_either: 'Angiv »{path}« eller »{other}«, ikke begge.',
    engineError_not_found: '»{path}«: ingen »{value}«.',
    engineError_cycle: '»{path}«: rækkefølgen går i ring.',
    engineError_reserved: '»{path}«: »{value}« er ikke tilladt.',
  },
};
addStrings(ENGINE_ERRORS);
// Strings added for issue 12 UI (crmui): dated milestones, the stage ->
// milestone table of a history import, its notices and problems, the
// calibration's leakage warnings and the pipeline picker.
const CRMUI = {
  en: {
    doneOn: 'Date “{label}” was done',
    calWarnings: 'Check the data: these figures may be too good to be true',
    warn_leaky_milestone: '“{milestone}” gives the outcome away: {wonShare} of the won and {lostShare} of the lost deals reached it ({deals} deals).',
    warn_leaky_attribute: '“{attribute}”{value} gives the outcome away: {wonShare} of the won and {lostShare} of the lost deals have it ({deals} deals).',
    warn_excluded: 'The model does not use it.',
    warn_kept: 'The model still uses it.',
    warn_implausible_brier: 'Implausibly good Brier score: {brier} against {baseBrier} for the base rate (skill {skill}; real teams stay below {maxSkill}). The history probably records the outcome as a milestone: check the stage mapping.',
    pipeline: 'Pipeline',
    noPipeline: '(no pipeline)',
    pipelineDeals: '{name} ({n} deals)',
  },
  nb: {
    doneOn: 'Dato «{label}» ble gjort',
    calWarnings: 'Sjekk dataene: tallene kan være for gode til å være sanne',
    warn_leaky_milestone: '«{milestone}» avslører utfallet: {wonShare} av de vunne og {lostShare} av de tapte salgene nådde den ({deals} salg).',
    warn_leaky_attribute: '«{attribute}»{value} avslører utfallet: {wonShare} av de vunne og {lostShare} av de tapte salgene har den ({deals} salg).',
    warn_excluded: 'Modellen bruker den ikke.',
    warn_kept: 'Modellen bruker den fortsatt.',
    warn_implausible_brier: 'Urimelig god Brier-score: {brier} mot {baseBrier} for basisraten (ferdighet {skill}; ekte team holder seg under {maxSkill}). Historikken registrerer trolig utfallet som en milepæl: sjekk fasekoblingen.',
    pipeline: 'Pipeline',
    noPipeline: '(ingen pipeline)',
    pipelineDeals: '{name} ({n} salg)',
  },
  sv: {
    doneOn: 'Datum då ”{label}” gjordes',
    calWarnings: 'Kontrollera data: siffrorna kan vara för bra för att vara sanna',
    warn_leaky_milestone: '”{milestone}” avslöjar utfallet: {wonShare} av de vunna och {lostShare} av de förlorade affärerna nådde den ({deals} affärer).',
    warn_leaky_attribute: '”{attribute}”{value} avslöjar utfallet: {wonShare} av de vunna och {lostShare} av de förlorade affärerna har den ({deals} affärer).',
    warn_excluded: 'Modellen använder den inte.',
    warn_kept: 'Modellen använder den fortfarande.',
    warn_implausible_brier: 'Orimligt bra Brier-poäng: {brier} mot {baseBrier} för basnivån (skicklighet {skill}; riktiga team ligger under {maxSkill}). Historiken registrerar troligen utfallet som en milstolpe: kontrollera stegkopplingen.',
    pipeline: 'Pipeline',
    noPipeline: '(ingen pipeline)',
    pipelineDeals: '{name} ({n} affärer)',
  },
  da: {
    doneOn: 'Dato for »{label}«',
    calWarnings: 'Tjek data: tallene kan være for gode til at være sande',
    warn_leaky_milestone: '»{milestone}« afslører udfaldet: {wonShare} af de vundne og {lostShare} af de tabte salg nåede den ({deals} salg).',
    warn_leaky_attribute: '»{attribute}«{value} afslører udfaldet: {wonShare} af de vundne og {lostShare} af de tabte salg har den ({deals} salg).',
    warn_excluded: 'Modellen bruger den ikke.',
    warn_kept: 'Modellen bruger den stadig.',
    warn_implausible_brier: 'Urimeligt god Brier-score: {brier} mod {baseBrier} for basisraten (færdighed {skill}; rigtige teams ligger under {maxSkill}). Historikken registrerer sandsynligvis udfaldet som en milepæl: tjek fasekoblingen.',
    pipeline: 'Pipeline',
    noPipeline: '(ingen pipeline)',
    pipelineDeals: '{name} ({n} salg)',
  },
};
addStrings(CRMUI);
/**
 * Adds words: `{ en: { key: text }, nb: {...}, ... }`, merged into the
 * dictionaries (a later block wins). The analysis part adds the period
 * forecast's words this way when it loads (www/src/i18n-period.js).
 */
export function addStrings(blocks) {
  for (const [k, v] of Object.entries(blocks)) if (STRINGS[k]) Object.assign(STRINGS[k], v);
}

// Strings added for issue 14.5 (analysis in a Web Worker): what the
// elements and the manager board say while the worker computes.
const WORKER = {
  en: {
    working: 'Computing…',
    evaluating: 'Evaluating on {n} closed deals…',
  },
  nb: {
    working: 'Beregner…',
    evaluating: 'Evaluerer på {n} avsluttede salg…',
  },
  sv: {
    working: 'Beräknar…',
    evaluating: 'Utvärderar på {n} avslutade affärer…',
  },
  da: {
    working: 'Beregner…',
    evaluating: 'Evaluerer på {n} afsluttede salg…',
  },
};
addStrings(WORKER);

// Issue 16 (interactions): a deal's number as a sum of terms
// (`score.contributions`, log-odds), its largest terms worded. The state's
// base is said as a chance; every other term as what it multiplies the odds by.
const CONTRIB = {
  en: {
    contributions: 'What the number is made of',
    con_state: 'The stage reached ({milestones}) alone: {probability}',
    con_none: 'no milestone yet',
    con_attribute: '{attribute} = {value} multiplies the odds by {factor}',
    con_pair_state: '{attribute} = {value} at this stage multiplies the odds by {factor}',
    con_pair: '{attribute} = {value} together with {withAttribute} = {withValue} multiplies the odds by {factor}',
    con_more: '{n} smaller terms together multiply the odds by {factor}',
  },
  nb: {
    contributions: 'Hva tallet består av',
    con_state: 'Trinnet som er nådd ({milestones}) alene: {probability}',
    con_none: 'ingen milepæl ennå',
    con_attribute: '{attribute} = {value} ganger oddsen med {factor}',
    con_pair_state: '{attribute} = {value} på dette trinnet ganger oddsen med {factor}',
    con_pair: '{attribute} = {value} sammen med {withAttribute} = {withValue} ganger oddsen med {factor}',
    con_more: '{n} mindre ledd ganger til sammen oddsen med {factor}',
  },
  sv: {
    contributions: 'Vad siffran består av',
    con_state: 'Steget som nåtts ({milestones}) ensamt: {probability}',
    con_none: 'ingen milstolpe ännu',
    con_attribute: '{attribute} = {value} multiplicerar oddsen med {factor}',
    con_pair_state: '{attribute} = {value} i detta steg multiplicerar oddsen med {factor}',
    con_pair: '{attribute} = {value} tillsammans med {withAttribute} = {withValue} multiplicerar oddsen med {factor}',
    con_more: '{n} mindre termer multiplicerar tillsammans oddsen med {factor}',
  },
  da: {
    contributions: 'Hvad tallet består af',
    con_state: 'Det nåede trin ({milestones}) alene: {probability}',
    con_none: 'ingen milepæl endnu',
    con_attribute: '{attribute} = {value} ganger oddsene med {factor}',
    con_pair_state: '{attribute} = {value} på dette trin ganger oddsene med {factor}',
    con_pair: '{attribute} = {value} sammen med {withAttribute} = {withValue} ganger oddsene med {factor}',
    con_more: '{n} mindre led ganger tilsammen oddsene med {factor}',
  },
};
addStrings(CONTRIB);

/**
 * A score's contributions worded in `loc` (`{ key, tag }`): the state's base
 * first (as a chance), then the `max` largest other terms by size, then the
 * rest together. Lines are `{ kind, text }`; numbers through Intl.
 */
export function wordContributions(loc, contributions, milestoneLabel = (id) => id, max = 4) {
  if (!Array.isArray(contributions)) return [];
  const factor = (v) => formatNumber(loc.tag, Math.exp(v), 2);
  const state = contributions.find((c) => c.term.kind === 'state');
  const rest = contributions.filter((c) => c !== state).sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  const lines = [];
  if (state) {
    const names = (state.term.reached || []).map((id) => milestoneLabel(id)).join(', ') || t(loc.key, 'con_none');
    lines.push({ kind: 'state', text: t(loc.key, 'con_state', { milestones: names, probability: formatChance(loc.tag, 1 / (1 + Math.exp(-state.value))) }) });
  }
  for (const { term: x, value } of rest.slice(0, max)) {
    const name = x.kind === 'attribute' ? 'con_attribute' : x.withAttribute ? 'con_pair' : 'con_pair_state';
    lines.push({ kind: x.kind, text: t(loc.key, name, { ...x, factor: factor(value) }) });
  }
  const more = rest.slice(max);
  if (more.length) lines.push({ kind: 'more', text: t(loc.key, 'con_more', { n: formatNumber(loc.tag, more.length), factor: factor(more.reduce((s, c) => s + c.value, 0)) }) });
  return lines;
}

/**
 * Words a page's own text: every element with `data-i18n="key"` gets the
 * string (textContent only); `vars` fill its {placeholders}.
 */
export function translatePage(root, localeKey, vars = {}) {
  for (const n of root.querySelectorAll('[data-i18n]')) n.textContent = t(localeKey, n.getAttribute('data-i18n'), vars);
}

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

// Issue 14.5: a formatter is built once per locale and options (building
// one costs far more than formatting; a board formats thousands of numbers).
const FORMATTERS = new Map();
function safeFormat(tag, opts, v) {
  const key = `${tag}|${opts.style || ''}|${opts.currency || ''}|${opts.maximumFractionDigits}`;
  let f = FORMATTERS.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(tag, opts);
    } catch {
      f = new Intl.NumberFormat('en', opts);
    }
    if (FORMATTERS.size > 200) FORMATTERS.clear();
    FORMATTERS.set(key, f);
  }
  return f.format(v);
}

export function formatNumber(tag, v, digits = 0) {
  return safeFormat(tag, { maximumFractionDigits: digits }, v);
}

/**
 * Words a reason code from the engine (`{ code, ...params }`, e.g. a meeting
 * check's reason or the specialisation's assumption) in the locale `loc`
 * (`{ key, tag }`). Milestone ids go through `milestoneLabel`, numbers
 * through Intl.
 */
export function wordReason(loc, reason, milestoneLabel = (id) => id) {
  return wordCode(loc, reason, 'reason_', milestoneLabel);
}

// Issue 13 (fcui): chances and short amounts.
/**
 * A chance as a percentage that never says what is not so: never "-0%",
 * never "0%" unless it is exactly 0 ("< 1%"), never "100%" unless it is
 * exactly 1 ("> 99%").
 */
export function formatChance(tag, p) {
  if (Number.isNaN(p) || p == null) return '–';
  if (p <= 0) return formatPercent(tag, 0);
  if (p >= 1) return formatPercent(tag, 1);
  if (p < 0.005) return `< ${formatPercent(tag, 0.01)}`;
  if (p >= 0.995) return `> ${formatPercent(tag, 0.99)}`;
  return formatPercent(tag, p);
}

/** An amount in short form for chart axes ($1.2M, 950 k kr). */
export function formatMoneyShort(tag, currency, amount) {
  const cur = CURRENCIES.includes(String(currency).toUpperCase()) ? String(currency).toUpperCase() : null;
  const opts = { notation: 'compact', maximumFractionDigits: 1, ...(cur ? { style: 'currency', currency: cur } : {}) };
  return safeFormat(tag, opts, amount);
}

/** A date (`YYYY-MM-DD`) or a month (`YYYY-MM`) in the locale's words; the text as given when it is neither. */
export function formatDate(tag, iso, month = false) {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(String(iso || ''));
  if (!m) return String(iso ?? '');
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3] || 1)));
  const opts = month ? { month: 'long', year: 'numeric', timeZone: 'UTC' } : { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' };
  try {
    return new Intl.DateTimeFormat(tag, opts).format(d);
  } catch {
    return new Intl.DateTimeFormat('en', opts).format(d);
  }
}
