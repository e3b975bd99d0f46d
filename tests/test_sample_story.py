"""Regression tests on the recorded sample story (fixtures/corpus, fixtures/cassettes/sample.jsonl).

Replay only: no network, no key. If a prompt changes, every test here fails with a cassette
miss that says how to re-record (fixtures/README.md).
"""
from __future__ import annotations

import shutil
from datetime import date

import pytest

import checker.prompts as prompts_module
from checker import check
from checker.cassette import Cassette
from checker.errors import CassetteMiss
from checker.extract import Claim, Quantity
from checker.findings import normalisers_find_compatible
from checker.judge import Conflict, Side
from checker.report import Report
from checker.settings import Settings
from conftest import CORPUS, SAMPLE_CASSETTE

TEXTS = {p.stem: p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))}


@pytest.fixture(scope="module")
def report():
    return check([CORPUS], settings=Settings(mode="replay"), cassette=SAMPLE_CASSETTE).data


def entity(report, name):
    found = [e for e in report["entities"] if e["name"] == name]
    assert found, f"no entity named {name!r}"
    return found[0]


def test_replay_needs_no_model_call_and_the_report_validates(report):
    assert Report(report).validate() == []
    assert report["run"]["failures"] == [] and report["run"]["usage"]["requests"] > 0
    assert set(report["run"]["cassette_keys"]) <= {e.key for e in Cassette(SAMPLE_CASSETTE).entries()}


def test_every_claim_is_grounded_in_its_source(report):
    assert len(report["claims"]) > 100
    for claim in report["claims"]:
        assert TEXTS[claim["doc_id"]][claim["start"]:claim["end"]] == claim["text"]
        assert claim["text"].strip() == claim["text"] and claim["text"]


def test_every_contradiction_links_grounded_claims_on_two_sides(report):
    claims = {c["id"] for c in report["claims"]}
    assert report["contradictions"]
    for finding in report["contradictions"]:
        assert len(finding["sides"]) >= 2
        linked = [cid for side in finding["sides"] for cid in side["claim_ids"]]
        assert len(linked) == len(set(linked)) >= 2, "a claim may stand on one side only"
        assert set(linked) <= claims


def claims_by_id(report):
    return {c["id"]: c for c in report["claims"]}


def test_the_central_dispute_bremmer_against_musks_denial_is_high(report):
    claims = claims_by_id(report)
    musk = {entity(report, "Elon Musk")["name"], *entity(report, "Elon Musk")["aliases"]}
    bremmer = {entity(report, "Ian Bremmer")["name"], *entity(report, "Ian Bremmer")["aliases"]}

    def side_says(side, people):
        return any(set(claims[c]["attributed_to"]) & people for c in side["claim_ids"])

    central = [f for f in report["contradictions"]
               if f["kind"] == "dispute" and f["severity"] == "high"
               and any(side_says(s, bremmer) for s in f["sides"])
               and any(side_says(s, musk) and not side_says(s, bremmer) for s in f["sides"])]
    assert central, "Bremmer's account against Musk's denial must be a high-severity dispute"
    assert len({d for f in central for s in f["sides"] for d in s["doc_ids"]}) >= 4
    assert len(central) == 1, "one dispute, one finding: the pieces other groups found are pooled"
    assert len(central[0]["also"]) >= 1


def test_disputes_come_first_then_reporting_each_by_severity(report):
    rank = {"high": 0, "medium": 1, "low": 2}
    keys = [(f["kind"] != "dispute", rank[f["severity"]]) for f in report["contradictions"]]
    assert keys == sorted(keys)
    assert {f["kind"] for f in report["contradictions"]} == {"dispute", "reporting"}


def test_name_variants_of_one_person_are_one_entity(report):
    assert {"Ian Bremer", "Jan Bremmer"} <= set(entity(report, "Ian Bremmer")["aliases"])
    assert "Serhiy Kiriyenko" in entity(report, "Sergey Kiriyenko")["aliases"]
    assert "Musk" in entity(report, "Elon Musk")["aliases"]
    names = [e["name"] for e in report["entities"]]
    for variant in ("Ian Bremer", "Jan Bremmer", "Serhiy Kiriyenko", "Musk"):
        assert variant not in names
    for e in report["entities"]:
        for mention in e["mentions"]:
            assert TEXTS[mention["doc_id"]][mention["start"]:mention["end"]] == mention["text"]


def opposed(report, first: str, second: str) -> bool:
    """Do claims whose evidence contains `first` and `second` stand on opposite sides of a finding?"""
    claims = claims_by_id(report)
    for finding in report["contradictions"]:
        sides = [" ".join(claims[c]["text"] for c in s["claim_ids"]) for s in finding["sides"]]
        for i, a in enumerate(sides):
            for b in sides[i + 1:]:
                if (first in a and second in b) or (second in a and first in b):
                    return True
    return False


@pytest.mark.parametrize("first, second", [
    ("Thousands of Starlink terminals", "15,000 Starlink terminals"),       # general vs specific
    ("since the end of 2022", "since late 2022"),                           # granularity
    ("at the end of 2023", "late 2023"),                                    # granularity
    ("at the end of last year", "at the end of 2023"),                      # relative vs absolute
    ("around April 2021", "in 2021"),                                       # precision
])
def test_compatible_times_and_amounts_are_not_findings(report, first, second):
    assert any(first in text for text in TEXTS.values()) and any(second in t for t in TEXTS.values())
    assert not opposed(report, first, second)


def test_no_numeric_or_temporal_finding_is_only_apparent(report):
    claims = {c.id: c for c in _claim_objects(report)}
    published = {d["id"]: date.fromisoformat(d["published"]) if d["published"] else None
                 for d in report["documents"]}
    for finding in report["contradictions"]:
        if finding["type"] in ("numeric", "temporal"):
            conflict = Conflict("g", finding["kind"], finding["type"],
                                tuple(Side(s["position"], tuple(s["claim_ids"])) for s in finding["sides"]),
                                finding["explanation"], finding["changes_meaning"])
            assert normalisers_find_compatible(conflict, claims, published) is None


def _claim_objects(report):
    return [Claim(id=c["id"], doc_id=c["doc_id"], statement=c["statement"], quote=c["quote"],
                  start=c["start"], end=c["end"], alignment=c["alignment"],
                  entities=tuple((e["name"], e["kind"]) for e in c["entities"]),
                  attributed_to=tuple(c["attributed_to"]), stance=c["stance"], times=tuple(c["times"]),
                  quantities=tuple(Quantity(**q) for q in c["quantities"])) for c in report["claims"]]


def test_unknown_publication_dates_stay_unknown_and_unresolved_times_are_listed(report):
    published = {d["id"]: d["published"] for d in report["documents"]}
    assert published == {"000_8025e1c8a1851ef2": "2024-10-25", "001_ba1ba088aba1f641": "2024-10-25",
                         "002_1d78f71aed52c027": "2024-10-25", "003_16daae7c1b36e9cd": None,
                         "004_5a514cfe26862562": None}
    unresolved = report["run"]["unresolved_times"]
    assert {t["doc_id"] for t in unresolved} >= {"003_16daae7c1b36e9cd", "004_5a514cfe26862562"}
    assert any(t["reason"] == "needs publication date" for t in unresolved)


def test_editing_a_prompt_makes_replay_miss_loudly_with_how_to_rerecord(tmp_path, monkeypatch):
    edited = tmp_path / "prompts"
    shutil.copytree(prompts_module.resource_dir("prompts"), edited)
    path = edited / "extract_claims.md"
    path.write_text(path.read_text(encoding="utf-8").replace("meticulous", "careful"), encoding="utf-8")
    real = prompts_module.resource_dir
    monkeypatch.setattr(prompts_module, "resource_dir",
                        lambda name: edited if name == "prompts" else real(name))
    prompts_module.load_prompt.cache_clear()
    try:
        with pytest.raises(CassetteMiss) as miss:
            check([CORPUS], settings=Settings(mode="replay"), cassette=SAMPLE_CASSETTE)
    finally:
        prompts_module.load_prompt.cache_clear()
    message = str(miss.value)
    assert "extract_claims@" in message and "differs in" in message
    assert "recorded 'You are a meticulous" in message and "requested 'You are a careful" in message
    assert "To re-record" in message and "checker export" in message


def test_the_committed_examples_are_what_the_code_renders_today(tmp_path):
    """examples/ shows visitors the real output; regenerate it when rendering changes:
    checker report fixtures/corpus --cassette fixtures/cassettes/sample.jsonl --mode replay --out examples && rm examples/report.json"""
    report = check([CORPUS], settings=Settings(mode="replay"), cassette=SAMPLE_CASSETTE)
    examples = CORPUS.parent.parent / "examples"
    assert (examples / "report.md").read_text(encoding="utf-8") == report.to_markdown()
    assert (examples / "report.html").read_text(encoding="utf-8") == report.to_html()


def test_renderings_keep_the_reports_ranking(report):
    rendered = Report(report)
    first = report["contradictions"][0]
    widest = max((f for f in report["contradictions"] if f["severity"] == "high"),
                 key=lambda f: len({d for s in f["sides"] for d in s["doc_ids"]}))
    assert first["id"] == widest["id"]  # within a severity, the most widely reported first
    markdown = rendered.to_markdown()
    positions = [markdown.index(f["id"]) for f in report["contradictions"]]
    assert positions == sorted(positions)
    html = Report(report, TEXTS).to_html()
    assert html.index(f"finding {first['id']}") < html.index(f"finding {report['contradictions'][1]['id']}")
