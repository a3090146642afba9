#!/usr/bin/env python3
"""Writes the raw-mode seeds of the `packed` fuzz target (fuzz/seeds/packed/raw-*.bin):
valid packings of real deals over the target's vocabulary (keep the lists in step
with fuzz/fuzz_targets/packed.rs). The other seeds there are bytes the target reads
as deals."""
import os

DATES = ["2026-01-15", "2026-02-03", "2025-12-31", "2026-02-30", "2026-01-15T09:00", "soon", "2026-1-1", "NaN", ""]
NAMES = ["region", "segment", "product", "a1", "b2", "c3", "d4", "e5", "f6", "seller", "1", ""]
VALUES = ["north", "south", "east", "smb", "mid", "p1", "v0", "v1", "v2", "v3", "v4", "s0", "s1", "", "NaN", "Infinity"]
SELLERS = ["s0", "s1", "s2", "s3"]
DEFAULT = ["need_confirmed", "mobilizer_met", "decision_process_mapped", "budget_confirmed",
           "solution_presented", "proposal_requested", "verbal_yes", "contract_signed"]
WIDE = [f"m{i}" for i in range(40)]
NONE = 0xF6  # the word byte for NONE


def raw(model, ids, deals):
    vocab = list(ids)
    for w in DATES + NAMES + VALUES + SELLERS:
        if w not in vocab:
            vocab.append(w)

    def ix(w):
        i = vocab.index(w)
        assert i < NONE, w
        return i
    out = [8 | model, 0]  # raw mode with the vocabulary; no fuzzed string
    for events, attributes, seller, close in deals:
        out.append(len(events))
        for m, d in events:
            out += [ix(m), NONE if d is None else ix(d)]
        out.append(len(attributes))
        for a, v in attributes:
            out += [ix(a), ix(v)]
        out += [NONE if seller is None else ix(seller), NONE if close is None else ix(close)]
    return bytes(out)


DEALS = [
    ([("need_confirmed", "2026-01-15"), ("mobilizer_met", None)], [("region", "north"), ("segment", "smb")], "s0", None),
    ([], [], None, None),
    ([("decision_process_mapped", "2026-02-03"), ("budget_confirmed", "2025-12-31"), ("mobilizer_met", None)],
     [("a1", "v0"), ("seller", "s1"), ("region", "south")], "s1", "2026-01-15"),
    ([("need_confirmed", "2026-01-15"), ("mobilizer_met", "2026-01-15"), ("decision_process_mapped", "2026-02-03"),
      ("solution_presented", "2026-02-03")], [("c3", "v1"), ("b2", "v2"), ("product", "p1")], "s2", None),
    ([("proposal_requested", "2026-01-15T09:00")], [("1", "Infinity"), ("d4", "NaN")], "", None),
    ([("need_confirmed", None), ("contract_signed", "2026-02-03")], [("e5", "v3")], "s3", None),
]
WIDE_DEALS = [
    ([("m0", "2026-01-15"), ("m4", "2026-02-03"), ("m33", "2025-12-31"), ("m39", None)], [("region", "north")], "s3", None),
    ([("m8", "2026-01-15"), ("m36", "2026-01-15")], [], None, "2026-01-15"),
]

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "packed")
for name, model, ids, deals in [("priors", 0, DEFAULT, DEALS), ("calibrated", 1, DEFAULT, DEALS),
                                ("thin", 2, DEFAULT, DEALS), ("wide", 3, WIDE, WIDE_DEALS)]:
    with open(os.path.join(here, f"raw-{name}.bin"), "wb") as f:
        f.write(raw(model, ids, deals))
