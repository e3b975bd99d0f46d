"""One finding per dispute: pieces found in different groups are pooled by who disagrees with whom."""
from __future__ import annotations

from checker.consolidate import consolidate_disputes, source_of
from checker.extract import Claim

TEXT = "Bremmer says they spoke. Musk denies it. Officials say they talk. Musk says once. Bremmer adds Ukraine."


def claim(cid: str, evidence: str, *chain: str) -> Claim:
    start = TEXT.index(evidence)
    return Claim(id=cid, doc_id="d", statement=evidence, quote=evidence, start=start,
                 end=start + len(evidence), alignment="exact", entities=(),
                 attributed_to=("the article", *chain), stance="asserted")


CLAIMS = {c.id: c for c in (
    claim("b1", "Bremmer says they spoke", "CNN", "Ian Bremer"),
    claim("b2", "Bremmer adds Ukraine", "Jan Bremmer", "Elon Musk"),
    claim("m1", "Musk denies it", "Elon Musk"),
    claim("m2", "Musk says once", "Musk"),
    claim("o1", "Officials say they talk", "The Wall Street Journal", "officials"))}
PEOPLE = {"ian bremmer": "e-bremmer", "ian bremer": "e-bremmer", "jan bremmer": "e-bremmer",
          "elon musk": "e-musk", "musk": "e-musk"}


def finding(fid, kind, severity, *sides):
    return {"id": fid, "kind": kind, "type": "factual", "severity": severity, "explanation": f"{fid} says",
            "changes_meaning": False, "group_id": "g",
            "sides": [{"position": f"side {i}", "claim_ids": list(ids), "doc_ids": ["d"]}
                      for i, ids in enumerate(sides)]}


def test_the_source_is_the_first_person_in_the_attribution_chain():
    assert source_of(CLAIMS["b2"], PEOPLE) == "e-bremmer"  # Bremmer reporting what Musk said
    assert source_of(CLAIMS["b1"], PEOPLE) == "e-bremmer"  # through CNN, misspelt
    assert source_of(CLAIMS["o1"], PEOPLE) == "officials"


def test_disputes_between_the_same_sources_become_one_finding():
    pieces = [finding("f-1", "dispute", "high", ["b1"], ["m1"]),
              finding("f-2", "dispute", "medium", ["m2"], ["b2"]),  # sides in the other order
              finding("f-3", "dispute", "high", ["o1"], ["m2"])]
    merged = consolidate_disputes(pieces, CLAIMS, PEOPLE, {"d": TEXT}, {"d": None})
    assert len(merged) == 2
    bremmer = next(f for f in merged if "f-1" in f.get("merged_from", []))
    assert bremmer["severity"] == "high" and bremmer["merged_from"] == ["f-1", "f-2"]
    assert [s["claim_ids"] for s in bremmer["sides"]] == [["b1", "b2"], ["m1", "m2"]]
    assert bremmer["also"] == ["f-2 says"]
    assert any(f["id"] == "f-3" for f in merged)


def test_reporting_inconsistencies_are_never_pooled():
    pieces = [finding("f-1", "reporting", "low", ["b1"], ["m1"]),
              finding("f-2", "reporting", "low", ["b2"], ["m2"])]
    assert [f["id"] for f in consolidate_disputes(pieces, CLAIMS, PEOPLE, {"d": TEXT}, {"d": None})] \
        == ["f-1", "f-2"]
