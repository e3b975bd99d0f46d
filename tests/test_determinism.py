"""The same documents and answers give a byte-identical report.json whatever the hash seed: the run is
repeated in fresh interpreters under PYTHONHASHSEED=1, 2 and 3 on a story built to produce ties
(near-identical sentences, repeated names, a wire copy, one quotation worded two ways).

The model is conftest's first_sentence_model extended (story_model.py) to read every sentence,
find tensions, and call every verified pair a conflict unless both sentences are the same.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from conftest import ROOT

STORY = {
    "a": "Musk spoke with Putin in 2022, officials said. Musk denied that he spoke with Putin. "
         "Musk sent 15,000 terminals to Ukraine.",
    "b": "Musk spoke with Putin in 2022, officials said. Musk sent 20,000 terminals to Ukraine. "
         "Bremmer said Musk told him so.",
    "c": "Musk spoke with Putin in 2024, the Kremlin said. Musk sent 15,000 terminals to Ukraine. "
         "Bremmer said Musk told him so.",
    "d": "Musk spoke with Putin in 2022, officials said. Musk denied that he spoke with Putin. "
         "Musk sent 15,000 terminals to Ukraine on Monday.",
    "e": "Musk spoke with Putin only once, his lawyer said. The minister said: “We will not "
         "tolerate electronic attacks on our grid, whatever it costs.”",
    "f": "The minister said: “We will not tolerate cyber attacks on our grid, whatever it costs.” "
         "Musk regularly speaks with Putin, a former official said.",
}

RUN = textwrap.dedent("""
    import json, re, sys
    sys.path.insert(0, sys.argv[1])
    from checker import check
    from checker.model import ModelResponse
    from checker.load import make_document
    from checker.settings import Settings
    from conftest import passage_of, schema_of
    from story_model import candidate_labels, story_model

    NAMES = ("Musk", "Putin", "Bremmer")
    surveyed = story_model()

    def model(body):
        if schema_of(body) == "extract_claims":
            return json.dumps({"claims": [{
                "s": int(n), "claim": text, "by": re.findall(r", ([^,]+) said", text),
                "stance": "denied" if "denied" in text else "asserted",
                "people": [name for name in NAMES if name in text], "orgs": [],
                "times": re.findall(r"in 20\\d\\d", text), "amounts": re.findall(r"[\\d,]+ terminals", text)}
                for n, text in re.findall(r"^(\\d+)\\t(.*)$", passage_of(body), re.M)]})
        if schema_of(body) == "verify_candidates":
            user = body["messages"][1]["content"]
            blocks = re.findall(r"^\\[K\\d+\\]\\n(.*?)(?=^\\[K\\d+\\]$|\\Z)", user, re.M | re.S)
            verdicts = []
            for label, block in zip(candidate_labels(body), blocks):
                a, b = re.findall(r'^   sentence: "(.*)"$', block, re.M)
                same = a == b
                verdicts.append({"k": label, "verdict": "same" if same else "conflict",
                                 "kind": None if same else "dispute",
                                 "type": None if same else "factual", "changes_meaning": not same,
                                 "a": "fact", "b": "fact", "why": f"{a} / {b}"})
            return json.dumps({"verdicts": verdicts})
        return surveyed(body)

    def transport(request):
        body = {"messages": request.chat_messages(),
                "response_format": {"json_schema": {"name": request.schema_id}}}
        return ModelResponse(raw=model(body), model="stand-in")

    story = json.loads(sys.stdin.read())
    documents = [make_document(doc_id, text) for doc_id, text in story.items()]
    report = check(documents, transport=transport, settings=Settings(mode="live"))
    assert report.validate() == [], report.validate()
    sys.stdout.write(report.to_json())
""")


def test_the_report_is_byte_identical_whatever_the_hash_seed():
    tests = str(ROOT / "tests")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CHECKER_", "OPENAI_"))}
    runs = {seed: subprocess.Popen([sys.executable, "-c", RUN, tests], cwd=ROOT, text=True,
                                   env={**base, "PYTHONHASHSEED": seed}, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for seed in ("1", "2", "3")}
    reports = {}
    for seed, process in runs.items():
        out, err = process.communicate(json.dumps(STORY), timeout=60)
        assert process.returncode == 0, err
        reports[seed] = out
    assert reports["1"] == reports["2"] == reports["3"]
    data = json.loads(reports["1"])  # a story with something to get wrong
    views = data["run"]["candidates"]["by_view"]
    assert {"neighbours", "stance", "values", "quotes", "survey"} <= set(views)
    assert len(data["contradictions"]) >= 2 and data["corroborations"] and data["entities"]
