// Must NOT compile against dist/stagecast.d.ts (see misspelt.ts).
/// <reference path="./dist/stagecast.d.ts" />
export {};
console.log(Stagecast.scoreDeal(Stagecast.defaultModel(), { id: 'a' }).probabilty); // MISSPELT probabilty
console.log(new Stagecast.Engine(Stagecast.defaultModel()).scoreDeals([], { detail: true })[0].nextt); // MISSPELT nextt
document.querySelector('stagecast-meetings')!.result!.rankd; // MISSPELT rankd
