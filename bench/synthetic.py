"""Synthetic news corpus for the scale benchmark: many stories, planted facts, known truth.

`generate(n, seed)` gives n articles of 400-900 words; each story's articles restate its facts
with compatible variants (precision, spelling, wording) and, for some facts, incompatible
values or an allegation against a denial. Every planted sentence carries its truth; the rest
is commentary with no checkable claim. Article k is the same for every n > k, and
`extra_document(seed)` is one more article about story 0.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

MONTHS = ("January February March April May June July August September October November "
          "December").split()
OUTLETS = ("The Meridian Times", "Northern Herald", "The Daily Ledger", "The Harbour Post",
           "Capital Wire", "Continental Review", "The Evening Courier", "Lakeside Gazette",
           "The Weekly Dispatch", "Atlantic Bulletin", "The Civic Chronicle", "Riverside News",
           "The Morning Record", "Eastern Observer", "The National Sentinel", "Union Press")
CITED = ("The Global Journal", "the Financial Monitor", "Reporters Network", "The Sunday Review",
         "Bloomfield News", "the Investigative Desk", "The Continental", "Metro Report")
CLAIM_TEMPLATES = {  # (sentence, statement): an allegation (A) against the denial (B) of the person
    # concerned; as the extraction prompt asks, a denial's statement says what is denied.
    "A": [("{cited} reported, citing officials, that {lead} had secretly discussed {subject} with {other}.",
           "{lead} secretly discussed {subject} with {other}."),
          ("According to {cited}, {lead} privately discussed {subject} with {other} on several occasions.",
           "{lead} privately discussed {subject} with {other} on several occasions."),
          ("Officials quoted by {cited} said {lead} had held secret talks with {other} about {subject}.",
           "{lead} held secret talks with {other} about {subject}."),
          ("{cited}, citing people familiar with the matter, said {lead} had negotiated {subject} "
           "directly with {other}.", "{lead} negotiated {subject} directly with {other}.")],
    "B": [("{lead} denied that {pronoun} had ever discussed {subject} with {other}.",
           "{lead} discussed {subject} with {other}."),
          ("{lead_s} rejected the report, saying {pronoun} had never spoken to {other} about {subject}.",
           "{lead_s} spoke to {other} about {subject}."),
          ("A spokesperson for {lead} said {pronoun} had never talked to {other} about {subject}.",
           "{lead} talked to {other} about {subject}."),
          ("{lead_s} dismissed the claims about {other} and {subject} as fabricated.",
           "{lead_s} had dealings with {other} over {subject}.")]}
MALE = (("Sergey", "Sergei"), ("Aleksandr", "Alexander"), ("Yevgeny", "Evgeny"),
        ("Mohammed", "Mohamed"), ("Dmitry", "Dmitri"), ("Andrei", "Andrey"), ("Yusuf", "Youssef"),
        ("Mikhail", "Mikhael"), ("Tomas", "Thomas"), ("Nikolai", "Nikolay"))
FEMALE = (("Katherine", "Catherine"), ("Natalya", "Natalia"), ("Yulia", "Julia"),
          ("Tatyana", "Tatiana"), ("Sofia", "Sophia"), ("Aisha", "Aysha"), ("Olga",), ("Marta",))
ONSETS = "b d g k l m n p r s t v z br dr gr kr st tr ch sh".split()
ENDINGS = "enko ov sen ski ley ton ez ari ani berg ler ich ovic idis escu ard".split()
TOPICS = (
    dict(suffix="Energy", subject="the northern pipeline licence", agency="the Ministry of Energy",
         event="the vote on the {city} pipeline licence", signed="the pipeline licence", noun="residents",
         counts=("{v} residents signed a petition against the pipeline route near {city}.",
                 "A petition against the pipeline route near {city} was signed by {v} residents.",
                 "Opponents said {v} residents of {city} had signed a petition against the route.")),
    dict(suffix="Mining Group", subject="the reopening of the {city} mine", agency="the state mining "
         "inspectorate", event="the collapse at the {city} mine", signed="the mine concession",
         noun="miners", counts=("{v} miners were underground when the tunnel at the {city} mine collapsed.",
                                "The collapse at the {city} mine trapped {v} miners.",
                                "Rescuers said {v} miners had been working in the {city} mine.")),
    dict(suffix="Logistics", subject="the port concession", agency="the Ministry of Transport",
         event="the strike at the port of {city}", signed="the port concession", noun="dock workers",
         counts=("{v} dock workers walked out at the port of {city}.",
                 "The strike at the port of {city} was joined by {v} dock workers.",
                 "Union leaders said {v} dock workers had stopped work in {city}.")),
    dict(suffix="Water Company", subject="the new water tax", agency="the Ministry of Finance",
         event="the first march against the water tax in {city}", signed="the water supply contract",
         noun="protesters", counts=("{v} protesters marched through {city} against the water tax.",
                                    "The march in {city} against the water tax drew {v} protesters.",
                                    "Organisers said {v} protesters had joined the march in {city}.")),
    dict(suffix="Health Partners", subject="the closure of the {city} hospital", agency="the "
         "Ministry of Health", event="the closure of the {city} hospital", signed="the hospital lease",
         noun="patients", counts=("The {city} hospital treated {v} patients last year.",
                                  "Last year {v} patients were treated at the hospital in {city}.",
                                  "Records show the {city} hospital saw {v} patients last year.")),
    dict(suffix="Media Holdings", subject="the broadcasting licence", agency="the media regulator",
         event="the licence hearing in {city}", signed="the broadcasting licence", noun="donors",
         counts=("The campaign received money from {v} donors in {city}.",
                 "Filings show {v} donors in {city} gave money to the campaign.",
                 "The campaign said {v} donors from {city} had contributed.")),
)
WHO = ("Observers", "Critics of the project", "Supporters of the plan", "Residents", "Several "
       "analysts", "Opposition politicians", "Business groups", "Community leaders", "Legal experts",
       "Campaigners", "Former officials", "Local commentators")
SAID = ("said", "argued", "suggested", "warned", "noted")
WHAT = ("the affair could take months to resolve", "the episode had damaged public trust",
        "the questions raised would not go away quickly", "the timing of the disclosures mattered",
        "more documents were likely to surface", "the official response so far had been muted",
        "the case showed how little oversight there was", "the matter deserved a public hearing",
        "the dispute had already cost the region dearly", "it was too early to draw conclusions",
        "the pressure on the government was growing", "similar arrangements were common")
MATTER = ("affair", "dispute", "controversy", "matter", "episode", "row")
FILLER = ("{who} {said} that {what}.", "The {matter} has drawn {adj} attention {where}.",
          "It was not immediately clear {unclear}.", "{further} details {avail}.",
          "The {matter} is likely to remain {state} for {span}.",
          "{who} were divided over what should happen next.", "{who} {said} that {what}, and "
          "that {what2}.", "For now, the {matter} shows little sign of fading {where}.",
          "In the meantime, {who2} have asked for {ask}.", "Much of the {matter} turns on {turns}.")
SLOTS = dict(adj=("wide", "intense", "renewed", "unusual", "growing"),
             where=("online", "in parliament", "among investors", "in the region", "abroad"),
             unclear=("what would happen next", "who had approved the arrangement",
                      "whether charges would follow", "how the talks would proceed",
                      "when a decision would be made"),
             further=("Further", "Additional", "More"),
             avail=("were not immediately available", "are expected in the coming days",
                    "have not been made public", "may emerge at a later hearing"),
             state=("a political issue", "in the headlines", "contested", "unresolved"),
             span=("some time", "weeks", "the rest of the year", "months"),
             ask=("more transparency", "an independent review", "clearer rules", "a full account"),
             turns=("what was agreed in private", "who knew what and when", "a handful of documents",
                    "the wording of one contract"))


@dataclass(frozen=True)
class Planted:
    """One planted sentence and its truth. Same fact, same cls: compatible; other cls: conflict."""

    text: str
    statement: str
    fact: str
    cls: str
    variant: str
    stance: str
    entities: tuple[tuple[str, str], ...]
    attribution: tuple[str, ...]
    times: tuple[str, ...] = ()     # as written
    amounts: tuple[str, ...] = ()   # as written


@dataclass(frozen=True)
class SynthDocument:
    id: str
    title: str
    source: str
    published: str
    text: str
    planted: tuple[Planted, ...]


@dataclass
class Corpus:
    documents: list[SynthDocument]
    facts: dict[str, dict] = field(default_factory=dict)    # fact -> {conflict, kind, type}
    aliases: dict[str, str] = field(default_factory=dict)   # name as written -> entity key

    def conflicts(self) -> dict[str, dict[str, set[str]]]:
        """Planted conflicts present in these documents: fact -> class -> documents."""
        sides: dict[str, dict[str, set[str]]] = {}
        for doc in self.documents:
            for p in doc.planted:
                if self.facts[p.fact]["conflict"]:
                    sides.setdefault(p.fact, {}).setdefault(p.cls, set()).add(doc.id)
        return {f: s for f, s in sides.items() if len(s) >= 2}


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _word(rng: random.Random, endings: tuple[str, ...] | list[str] = ENDINGS) -> str:
    stem = rng.choice(ONSETS) + rng.choice("aeiou") + rng.choice("lmnrdkvt") + rng.choice("aeio")
    return (stem + rng.choice(endings)).capitalize()


def _doubled(surname: str) -> str:
    """A spelling variant: the first single consonant between vowels doubled (Bremer/Bremmer)."""
    m = re.search(r"(?<=[aeiou])([lmnrdkvt])(?=[aeiou])", surname)
    return surname[:m.start()] + m.group(1) + surname[m.start():] if m else surname


def _person(rng: random.Random) -> dict:
    firsts = rng.choice(MALE + FEMALE)
    surname = _word(rng)
    return dict(firsts=firsts, surnames=(surname, _doubled(surname)),
                pronoun="he" if firsts in MALE else "she")


def _money(x: float) -> str:
    return f"${x:.1f} million"


def _variant(template_text: str, times=(), amounts=(), entities=()) -> dict:
    return dict(v=template_text, times=tuple(times), amounts=tuple(amounts),
                entities=tuple(entities))


def _amount(text: str) -> dict:
    """A variant that is an amount, as written."""
    return _variant(text, amounts=[text])


def _plan_story(seed: int, index: int) -> dict:
    rng = random.Random(f"{seed}/story/{index}")
    topic = rng.choice(TOPICS)
    city, place2 = _word(rng, ["", "sk", "ford", "grad", "ia", "ton"]), _word(rng, ["", "a", "ovo"])
    org = f"{_word(rng, ['', 'a', 'ex', 'on'])} {topic['suffix']}"
    lead, other = _person(rng), _person(rng)
    published = date(2024, 1, 8) + timedelta(days=rng.randrange(300))
    year, n = rng.randrange(2019, 2023), rng.choice((3, 4, 6, 8, 12, 15, 18, 25)) * 1000
    founded, amount, k = rng.randrange(1988, 2012), rng.randrange(15, 90) / 10, rng.randrange(5, 30)
    event_day = published - timedelta(days=rng.randrange(3, 40))
    fmt = lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}"  # noqa: E731
    lines = {  # fact -> (type when planted as a conflict, kind, {class: [variants]}, templates)
        "meeting": ("temporal", "reporting", {
            "A": [_variant(f"in late {year}", [f"late {year}"]),
                  _variant(f"at the end of {year}", [f"the end of {year}"]),
                  _variant(f"in December {year}", [f"December {year}"])],
            "B": [_variant(f"in March {year - 1}", [f"March {year - 1}"]),
                  _variant(f"in the spring of {year - 1}", [f"the spring of {year - 1}"])]},
            ["{lead} met {other} in {city} {v} to discuss {subject}.",
             "The first meeting between {lead} and {other} took place in {city} {v}.",
             "{lead_s} and {other} held talks about {subject} in {city} {v}.",
             "{lead} first sat down with {other} {v}, in {city}.",
             "{other} and {lead} began meeting {v}, when they spoke in {city} about {subject}."]),
        "count": ("numeric", "reporting", {
            "A": [_amount(f"{n:,}"), _amount(f"about {n:,}"), _amount(f"more than {n - 500:,}")],
            "B": [_amount(f"{n * 3:,}"), _amount(f"nearly {n * 3:,}")]},
            list(topic["counts"])),
        "payment": ("numeric", "reporting", {
            "A": [_amount(_money(amount)), _amount(f"about {_money(amount)}")],
            "B": [_amount(_money(amount * 4))]},
            ["{org} paid {v} to a consulting firm linked to {other}.",
             "A consulting firm linked to {other} received {v} from {org}.",
             "Records show that {org} transferred {v} to a firm connected to {other}.",
             "The family firm of {other} was paid {v} by {org}.",
             "Bank statements show payments of {v} from {org} to an advisory company owned by {other}."]),
        "event": ("temporal", "reporting", {
            "A": [_variant(f"on {fmt(event_day)}", [fmt(event_day)]),
                  _variant(f"on {MONTHS[event_day.month - 1]} {event_day.day}, {event_day.year}",
                           [f"{MONTHS[event_day.month - 1]} {event_day.day}, {event_day.year}"])],
            "B": [_variant(f"on {fmt(event_day - timedelta(days=9))}",
                           [fmt(event_day - timedelta(days=9))])]},
            [cap(topic["event"]) + " took place {v}.",
             cap(topic["event"]) + " came {v}, local officials said.",
             "Officials said " + topic["event"] + " took place {v}.",
             "According to residents, " + topic["event"] + " happened {v}."]),
        "signed": ("factual", "reporting", {
            "A": [_variant(f"in {city}")], "B": [_variant(f"in {place2}", entities=[(place2, "place")])]},
            [cap(topic["signed"]) + " with {org} was signed {v}.",
             "{lead} signed " + topic["signed"] + " for {org} {v}.",
             "According to the documents, {org} signed " + topic["signed"] + " {v}.",
             "{org} and the authorities concluded " + topic["signed"] + " {v}, the documents show."]),
        "founded": ("temporal", "reporting", {
            "A": [_variant(f"in {founded}", [str(founded)])],
            "B": [_variant(f"in {founded + 7}", [str(founded + 7)])]},
            ["{org} was founded {v}.", "{lead} founded {org} {v}.", "{org}, set up {v}, is privately owned.",
             "{lead} set up {org} {v} with money from relatives."]),
        "rank": (None, "reporting", {"A": [_variant("deputy head"), _variant("first deputy head"),
                                           _variant("a deputy head")]},
                 ["{other} is {v} of {agency}.", "{other} serves as {v} of {agency}.",
                  "{other}, {v} of {agency}, oversees the file."]),
        "questioned": (None, "reporting", {
            "A": [_amount(f"at least {k}"), _amount(f"{k + 2}")]},
            ["Investigators in {city} have questioned {v} people about {subject}.",
             "{v} people have been questioned by investigators in {city} about {subject}.",
             "Police in {city} said they had interviewed {v} people in connection with {subject}."]),
        "quote": (None, "reporting", {
            "A": [_variant("We have nothing to hide and will cooperate with any inquiry"),
                  _variant("We have nothing to hide and we will cooperate with every investigation")]},
            ['{lead} told reporters: "{v}."', '"{v}," {lead_s} said in a statement.',
             'In a televised interview, {lead} said: "{v}."']),
    }
    facts, plans = {}, {}
    for name, (ctype, kind, classes, templates) in lines.items():
        facts[name] = dict(conflict=False, kind=kind, type=ctype)
        # Each story's outlets share a few wordings of a fact; other stories use other wordings.
        plans[name] = dict(classes=classes, templates=rng.sample(templates, min(3, len(templates))),
                           stance={"A": "quoted" if name == "quote" else "asserted", "B": "asserted"})
    facts["claim"] = dict(conflict=False, kind="dispute", type="factual")
    plans["claim"] = dict(classes={"A": [_variant("")], "B": [_variant("")]},
                          stance={"A": "alleged", "B": "denied"},
                          templates={cls: rng.sample(t, 2) for cls, t in CLAIM_TEMPLATES.items()})
    facts.update({f"detail/{i}": dict(conflict=False, kind="reporting", type=None) for i in range(11)})
    conflicting = ["claim"] + rng.sample(["meeting", "count", "payment", "event", "signed", "founded"], 3)
    for name in conflicting:
        facts[name]["conflict"] = True
    lead_name = f"{lead['firsts'][0]} {lead['surnames'][0]}"
    other_name = f"{other['firsts'][0]} {other['surnames'][0]}"
    o, c, a = (org, "organization"), (city, "place"), (topic["agency"], "organization")
    subject = topic["subject"].format(city=city)
    # The values in the order they were always drawn, so every article reads as it did.
    fell, staff, hearing = rng.randrange(3, 19), rng.randrange(2, 40) * 100, rng.randrange(0, 3)
    distance, revenue = rng.randrange(40, 400), _money(rng.randrange(40, 900))
    hearing_month = MONTHS[(published.month + hearing) % 12]
    details = [  # (sentence, entities, times, amounts): one wording each, the same in every
        # article that has it
        (f"Shares in {org} fell {fell} percent after the report was published.", [o], [],
         [f"{fell} percent"]),
        (f"{org} employs about {staff:,} people in the {city} region.", [o, c], [], [f"about {staff:,}"]),
        (f"A court hearing in {city} on {subject} is scheduled for {hearing_month}.", [c],
         [hearing_month], []),
        (f"{org} said it would publish its own review of the matter.", [o], [], []),
        (f"The opposition has called for {topic['agency']} to release all documents on {org}.", [a, o],
         [], []),
        (f"{org} has been fined twice before by {topic['agency']}.", [o, a], [], []),
        (f"The {city} council will debate {subject} next month.", [c], ["next month"], []),
        (f"{lead_name} did not respond to requests for comment.", [(lead_name, "person")], [], []),
        (f"{city} lies about {distance} kilometres from the capital.", [c], [],
         [f"about {distance} kilometres"]),
        (f"{other_name} has held the post since {year - 3}.", [(other_name, "person")],
         [f"since {year - 3}"], []),
        (f"{org} reported revenue of {revenue} last year.", [o], ["last year"], [revenue])]
    size = rng.randrange(6, 15)
    key = f"s{index:04d}"
    aliases = {}
    for role, person in (("lead", lead), ("other", other)):
        for first in person["firsts"]:
            for surname in person["surnames"]:
                aliases[f"{first} {surname}"] = f"{key}:{role}"
                aliases[surname] = f"{key}:{role}"
    aliases.update({org: f"{key}:org", city: f"{key}:city", place2: f"{key}:place2",
                    topic["agency"]: f"agency:{topic['agency']}"})
    return dict(key=key, rng=rng, topic=topic, city=city, org=org, lead=lead, other=other,
                published=published, facts={f"{key}/{k}": v for k, v in facts.items()},
                plans=plans, conflicting=conflicting, details=details, size=size, aliases=aliases)


def _doc_plans(story: dict) -> list[dict]:
    """Which facts each article states and on which side; every conflict gets both sides."""
    rng = story["rng"]
    plans = []
    for _ in range(story["size"]):
        plans.append(dict(facts={f: rng.random() < 0.8 for f in story["plans"]},
                          sides={f: "B" if rng.random() < 0.35 else "A" for f in story["plans"]},
                          details=[i for i in range(len(story["details"])) if rng.random() < 0.6]))
    for name in story["conflicting"]:
        covering = [p for p in plans if p["facts"][name]]
        while len(covering) < 2:
            extra = rng.choice([p for p in plans if not p["facts"][name]])
            extra["facts"][name] = True
            covering.append(extra)
        if len({p["sides"][name] for p in covering}) < 2:
            covering[0]["sides"][name] = "B" if covering[0]["sides"][name] == "A" else "A"
    for name in story["plans"]:
        if name not in story["conflicting"]:
            for p in plans:
                p["sides"][name] = "A"
    return plans


def _render(story: dict, plan: dict, doc_id: str, rng: random.Random) -> SynthDocument:
    lead, other = story["lead"], story["other"]
    lead_first, other_first = rng.choice(lead["firsts"]), rng.choice(other["firsts"])
    lead_sur, other_sur = rng.choice(lead["surnames"]), rng.choice(other["surnames"])
    cited = rng.choice(CITED)
    slots = {"lead": (f"{lead_first} {lead_sur}", "person"), "lead_s": (lead_sur, "person"),
             "other": (f"{other_first} {other_sur}", "person"), "org": (story["org"], "organization"),
             "city": (story["city"], "place"), "agency": (story["topic"]["agency"], "organization"),
             "cited": (cited, "organization"), "pronoun": (lead["pronoun"], None),
             "subject": (story["topic"]["subject"].format(city=story["city"]), None)}
    planted = []
    for name, fact in story["plans"].items():
        if not plan["facts"][name]:
            continue
        cls = plan["sides"][name]
        variant = rng.choice(fact["classes"][cls])
        templates = fact["templates"][cls] if isinstance(fact["templates"], dict) else fact["templates"]
        template, said = (lambda t: t if isinstance(t, tuple) else (t, t))(rng.choice(templates))
        used = re.findall(r"{(\w+)}", template)
        text, statement = (cap(t.format(v=variant["v"], **{k: v[0] for k, v in slots.items()}))
                           for t in (template, said))
        entities = [slots[k] for k in used if k in slots and slots[k][1]] + list(variant["entities"])
        if name == "signed" and cls == "A":
            entities.append(slots["city"])
        stance = fact["stance"][cls]
        speaker = slots["lead"][0] if "lead" in used else lead_sur
        who = {"alleged": ("the article", cited, "officials"), "denied": ("the article", speaker),
               "quoted": ("the article", speaker)}.get(stance, ("the article",))
        planted.append(Planted(text, statement, f"{story['key']}/{name}", cls, variant["v"] or cls, stance,
                               tuple(dict.fromkeys(entities)), who, variant["times"], variant["amounts"]))
    for number, (text, entities, times, amounts) in enumerate(story["details"]):
        if number in plan["details"]:
            planted.append(Planted(text, text, f"{story['key']}/detail/{number}", "A", "", "asserted",
                                   tuple(tuple(e) for e in entities), ("the article",), tuple(times),
                                   tuple(amounts)))
    rng.shuffle(planted)
    words_wanted = 950 - int(530 * rng.random() ** 3)  # 420-950 words, most near the top
    sentences = [p.text for p in planted]
    words = sum(len(s.split()) for s in sentences)
    while words < words_wanted:
        values = {k: rng.choice(v) for k, v in SLOTS.items()}
        what, what2 = rng.sample(WHAT, 2)
        filler = rng.choice(FILLER).format(who=rng.choice(WHO), who2=rng.choice(WHO).lower(),
                                           said=rng.choice(SAID), what=what, what2=what2,
                                           matter=rng.choice(MATTER), **values)
        sentences.insert(rng.randrange(1, len(sentences) + 1), filler)
        words += len(filler.split())
    paragraphs, at = [], 0
    while at < len(sentences):
        step = rng.randrange(2, 5)
        paragraphs.append(" ".join(sentences[at:at + step]))
        at += step
    published = story["published"] + timedelta(days=rng.randrange(0, 6))
    title = f"{lead_sur} under scrutiny over {slots['subject'][0]}"
    return SynthDocument(doc_id, title, rng.choice(OUTLETS), published.isoformat(),
                         "\n\n".join(paragraphs) + "\n", tuple(planted))


def generate(n: int, seed: int = 7) -> Corpus:
    """The first n articles of the seeded sequence (stories of 6-14 articles each)."""
    corpus = Corpus([])
    index = 0
    while len(corpus.documents) < n:
        story = _plan_story(seed, index)
        corpus.facts.update(story["facts"])
        corpus.aliases.update(story["aliases"])
        for k, plan in enumerate(_doc_plans(story)):
            if len(corpus.documents) == n:
                break
            corpus.documents.append(_render(story, plan, f"{story['key']}-{k:02d}",
                                            random.Random(f"{seed}/doc/{index}/{k}")))
        index += 1
    return corpus


def extra_document(seed: int = 7) -> SynthDocument:
    """One more article about story 0, as if it arrived after the corpus was checked."""
    story = _plan_story(seed, 0)
    _doc_plans(story)  # the same draws as generate(), so the story's rng is where it was
    rng = random.Random(f"{seed}/extra")
    plan = dict(facts={f: rng.random() < 0.8 for f in story["plans"]},
                sides={f: ("B" if rng.random() < 0.35 else "A") if f in story["conflicting"] else "A"
                       for f in story["plans"]},
                details=[i for i in range(len(story["details"])) if rng.random() < 0.6])
    return _render(story, plan, f"{story['key']}-extra", rng)


def truth_table(corpus: Corpus, extra: list[SynthDocument] = ()) -> dict:
    """What the simulated model knows: every planted sentence, the facts, and the name aliases."""
    sentences: dict[str, dict] = {}
    for doc in list(corpus.documents) + list(extra):
        for p in doc.planted:
            info = dict(statement=p.statement, fact=p.fact, cls=p.cls, variant=p.variant, stance=p.stance,
                        entities=[list(e) for e in p.entities], attribution=list(p.attribution),
                        times=list(p.times), amounts=list(p.amounts))
            if sentences.setdefault(p.text, info) != info:
                raise ValueError(f"one sentence planted with two truths: {p.text!r}")
    return dict(sentences=sentences, facts=corpus.facts, aliases=corpus.aliases)
