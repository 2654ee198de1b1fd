"""A real `newsarchive index` run (a subprocess) over a generated archive full of hostile files.

The corpus is written by the test: about 900 good French articles in every supported
format, and files an archive folder really collects: empty, binary, truncated, huge,
deeply nested, mis-declared encodings, broken JSON lines, odd names and symbolic links.
Every good article must be indexed, every bad input reported with a specific reason,
nothing may crash, and a second run over the same files must change nothing.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import subprocess
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from newsarchive.index.extraction.metadata import article_id, normalize_url
from newsarchive.search.archive import Archive
from newsarchive.search.request import SearchRequest

pytestmark = pytest.mark.slow

TIMEOUT = 300  # seconds for one indexing run of the whole corpus

# Good articles: single files per format, and JSON lines files of several records each.
GOOD_FILES = {"txt": 195, "html": 185, "htm": 140, "txt.gz": 160, "html.gz": 160}
JSONL_FILES, JSONL_LINES = 7, 10
N_RANDOM_BINARY = 52  # seeded random bytes named like articles
N_EMPTY = 28  # zero-byte and whitespace-only files of every kind
N_SCRIPT_ONLY = 25  # HTML pages with only <script>/<style> and no text
N_TRUNCATED_HTML = 20  # good pages cut in the middle of a tag: their text is still there
N_MAGIC = 20  # PNG images and PDF documents named .html/.txt

SUBJECTS = [
    "Le conseil municipal", "La ministre de la Culture", "Le syndicat des enseignants", "Une association de locataires",
    "Le préfet de région", "La direction de l'hôpital", "Un collectif d'habitants", "Le président de l'université",
    "La chambre de commerce", "Le maire de la commune", "Une coopérative agricole", "Le tribunal administratif",
]
VERBS = [
    "a présenté", "a dénoncé", "a défendu", "a annoncé", "a réclamé", "a critiqué", "a précisé", "a détaillé",
    "a reporté", "a confirmé", "a contesté", "a salué",
]
OBJECTS = [
    "un projet de rénovation de la bibliothèque", "le budget de l'année prochaine", "la fermeture d'une école primaire",
    "un plan pour les transports en commun", "la hausse des loyers dans le centre", "un accord sur les salaires",
    "la création d'une piste cyclable", "un programme d'aide aux familles", "la réforme du stationnement",
    "une enquête sur la qualité de l'eau", "le calendrier des travaux du pont", "la rénovation du marché couvert",
]
WHEN = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "ce matin", "hier soir", "en fin de semaine"]
PLACES = ["à Lyon", "à Québec", "à Marseille", "à Montréal", "à Bordeaux", "à Lille", "à Nantes", "à Strasbourg", "à Rennes", "à Sherbrooke"]
CLOSINGS = [
    "Les opposants promettent de poursuivre la mobilisation dans les prochaines semaines.",
    "Une réunion publique est prévue avant la fin du mois pour répondre aux questions des habitants.",
    "Le dossier doit encore être examiné par les services de l'État avant une décision définitive.",
    "Plusieurs élus ont demandé un calendrier précis et des chiffres vérifiables.",
    "Les représentants du personnel attendent des garanties écrites sur l'emploi.",
    "Le coût total de l'opération n'a pas encore été rendu public.",
]


def token(n: int) -> str:
    """The unique word in the title of good article n (one Whoosh term, untouched by stemming)."""
    return f"kw{n:05d}"


def french_article(n: int, rnd: random.Random) -> tuple[str, list[str]]:
    """A title holding token(n) and three paragraphs of plausible, distinct French sentences."""
    title = f"{rnd.choice(SUBJECTS)} {rnd.choice(VERBS)} {rnd.choice(OBJECTS)} {token(n)}"
    paragraphs = []
    for k in range(3):
        subject, verb, obj = rnd.choice(SUBJECTS), rnd.choice(VERBS), rnd.choice(OBJECTS)
        sentence = f"{subject} {verb} {rnd.choice(WHEN)} {rnd.choice(PLACES)} {obj}, selon le compte rendu numéro {n}-{k}."
        paragraphs.append(f"{sentence} {rnd.choice(CLOSINGS)} {rnd.choice(CLOSINGS)}")
    return title, paragraphs


def html_page(title: str, paragraphs: list[str], url: str, head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="fr"><head>{head}<title>{title}</title><link rel="canonical" href="{url}"></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def text_file(title: str, paragraphs: list[str]) -> str:
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


@dataclass
class Corpus:
    """The generated archive and what indexing it must produce."""

    root: Path
    good: dict[str, str] = field(default_factory=dict)  # title token -> expected article id
    failures: dict[str, str] = field(default_factory=dict)  # failure input (path or path:line) -> reason pattern
    either: dict[str, str] = field(default_factory=dict)  # inputs that may be indexed or fail, -> reason pattern if they fail
    records: int = 0  # records the readers must report (one per file, one per JSON line)
    files: int = 0
    labels: dict[str, str] = field(default_factory=dict)  # label of a special input -> its failure input
    ids: dict[str, str] = field(default_factory=dict)  # label of a special readable input -> its article id
    nested_token: str = ""
    random_binaries: list[str] = field(default_factory=list)
    script_only: list[str] = field(default_factory=list)
    truncated_html: list[str] = field(default_factory=list)

    def write(self, rel: str, data: bytes | str, *, gz: bool = False) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        path.write_bytes(gzip.compress(raw, mtime=0) if gz else raw)
        self.files += 1
        return path

    def good_file(self, rel: str, n: int, data: bytes, article: str, *, gz: bool = False) -> Path:
        """A file holding good article n, whose id is `article`."""
        path = self.write(rel, data, gz=gz)
        self.good[token(n)] = article
        self.records += 1
        return path

    def bad_file(self, label: str, rel: str, data: bytes | str, reason: str, *, gz: bool = False) -> Path:
        path = self.write(rel, data, gz=gz)
        self.failures[str(path)] = reason
        self.labels[label] = str(path)
        self.records += 1
        return path


def build_corpus(root: Path) -> Corpus:
    rnd = random.Random(20170216)
    corpus = Corpus(root)
    n = 0

    def next_article() -> tuple[int, str, list[str]]:
        nonlocal n
        n += 1
        title, paragraphs = french_article(n, rnd)
        return n, title, paragraphs

    # --- good articles, one per file --------------------------------------------------
    for ext, count in GOOD_FILES.items():
        for i in range(count):
            k, title, paragraphs = next_article()
            folder = f"good/{ext.replace('.', '-')}/{i % 7:02d}"
            gz = ext.endswith(".gz")
            if ext.startswith("txt"):
                raw = text_file(title, paragraphs).encode("utf-8")
                corpus.good_file(f"{folder}/article-{k:05d}.{ext}", k, raw, article_id(None, raw), gz=gz)
            else:
                url = f"https://journal.exemple.test/{2010 + k % 9}/article-{k:05d}.html"
                raw = html_page(title, paragraphs, url).encode("utf-8")
                corpus.good_file(f"{folder}/page-{k:05d}.{ext}", k, raw, article_id(normalize_url(url), raw), gz=gz)

    # --- good articles in JSON lines files ----------------------------------------------
    for f in range(JSONL_FILES):
        lines = []
        for _ in range(JSONL_LINES):
            k, title, paragraphs = next_article()
            url = f"https://depeches.exemple.test/fil/{k:05d}"
            record = {"title": title, "text": "\n\n".join(paragraphs), "url": url, "date": f"2016-{k % 12 + 1:02d}-{k % 27 + 1:02d}"}
            lines.append(json.dumps(record, ensure_ascii=False))
            corpus.good[token(k)] = article_id(normalize_url(url), b"")
        corpus.write(f"good/jsonl/depeches-{f:02d}.jsonl", "\n".join(lines) + "\n")
        corpus.records += len(lines)

    # --- readable files with odd names or encodings: they must be indexed, correctly ----
    k, title, paragraphs = next_article()
    raw = text_file(title + " pâtisserie", paragraphs).encode("utf-8")
    corpus.good_file("odd/été à Montréal.txt", k, raw, article_id(None, raw))
    corpus.ids["unicode-name-txt"] = article_id(None, raw)

    k, title, paragraphs = next_article()
    url = "https://journal.exemple.test/neige"
    raw = html_page(title, paragraphs, url).encode("utf-8")
    corpus.good_file("odd/雪.html", k, raw, article_id(normalize_url(url), raw))
    corpus.ids["unicode-name-html"] = article_id(normalize_url(url), raw)

    k, title, paragraphs = next_article()
    raw = ("\ufeff" + text_file(title, [*paragraphs, "La médiathèque rouvrira après l'été, a précisé l'élue."])).encode("utf-16-le")
    corpus.good_file("odd/utf16-bom.txt", k, raw, article_id(None, raw))
    corpus.ids["utf-16"] = article_id(None, raw)

    k, title, paragraphs = next_article()
    url = "https://journal.exemple.test/latin1-mais-utf8"
    head = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    raw = html_page(title, [*paragraphs, "Les forêts de l'Estrie ont accueilli des randonneurs très nombreux."], url, head).encode("utf-8")
    corpus.good_file("odd/declare-latin1-est-utf8.html", k, raw, article_id(normalize_url(url), raw))
    corpus.ids["latin1-declared-utf8"] = article_id(normalize_url(url), raw)

    k, title, paragraphs = next_article()
    url = "https://journal.exemple.test/utf8-mais-cp1252"
    page = html_page(title, [*paragraphs, "L’œuvre exposée au musée a été restaurée « avec soin », a déclaré la conservatrice."], url, '<meta charset="utf-8">')
    raw = page.encode("cp1252")
    corpus.good_file("odd/declare-utf8-est-cp1252.html", k, raw, article_id(normalize_url(url), raw))
    corpus.ids["utf8-declared-cp1252"] = article_id(normalize_url(url), raw)

    k, title, paragraphs = next_article()
    text = text_file(title, [*paragraphs, "Le théâtre municipal présentera une création québécoise en février."])
    raw = text.encode("utf-8").replace(b"municipal", b"muni\xffcipal", 1).replace(b"compte rendu", b"compte\x81\x8d rendu", 1)
    assert raw.count(b"\xc3\xa9") > 10  # still mostly valid UTF-8 French text
    corpus.good_file("odd/utf8-avec-octets-invalides.txt", k, raw, article_id(None, raw))
    corpus.ids["invalid-utf8"] = article_id(None, raw)

    for i in range(N_TRUNCATED_HTML):
        k, title, paragraphs = next_article()
        url = f"https://journal.exemple.test/tronque/{k}"
        raw = html_page(title, paragraphs, url).encode("utf-8")
        cut = raw.rindex(b"<p>") + 2 if i % 2 else raw.rindex(b"</p>") + 3  # inside "<p>" or "</p>"
        raw = raw[:cut]
        path = corpus.good_file(f"odd/tronque/page-{i:02d}.html", k, raw, article_id(normalize_url(url), raw))
        corpus.truncated_html.append(str(path))

    # A good article inside a folder holding links to itself and to its parent: indexed once.
    k, title, paragraphs = next_article()
    raw = text_file(title, paragraphs).encode("utf-8")
    corpus.good_file("boucle/dedans.txt", k, raw, article_id(None, raw))
    os.symlink("..", root / "boucle" / "parent")
    os.symlink(".", root / "boucle" / "ici")
    os.symlink("boucle", root / "boucle-lien")

    # The wrong-typed fields record has text ("a, 3"): indexed or refused, but reported either way.
    weird = root / "bad" / "types.jsonl"
    weird_lines = [
        {"title": 5, "text": ["a", 3]},
        {"text": None},
        [1, 2, 3],
        "une chaîne seule",
        {"title": {"x": [1]}, "text": {"nested": True}},
        {"text": "Le texte est bien là. " * 5, "date": {"année": 2017}, "url": ["https://x.test"], "author": 3.5, "source": True},
    ]
    lines = [json.dumps(x, ensure_ascii=False) for x in weird_lines] + ['{"title": "coupé", "text": "la ligne s\'arrê', "{'simple': 'quotes'}", "}{"]
    corpus.write("bad/types.jsonl", ("\n".join(lines) + "\n").encode("utf-8") + b'{"title": "\xff\xfe latin", "text": "x"}\n')
    corpus.records += len(lines) + 1
    origin = f"{weird}:{{}}"
    corpus.either[origin.format(1)] = r"no article text"
    corpus.failures[origin.format(2)] = r"^no article text: expected one of the fields"
    corpus.failures[origin.format(3)] = r"^expected a JSON object per line, got list$"
    corpus.failures[origin.format(4)] = r"^expected a JSON object per line, got str$"
    corpus.failures[origin.format(5)] = r"^no article text: expected one of the fields"
    corpus.either[origin.format(6)] = r"no article text"
    for line in (7, 8, 9):
        corpus.failures[origin.format(line)] = r"^invalid JSON: .+ at column \d+$"
    corpus.failures[origin.format(10)] = r"not valid UTF-8"
    corpus.labels.update({f"jsonl-line-{i}": origin.format(i) for i in (2, 3, 4, 5, 7, 8, 9, 10)})

    # A gzipped JSON lines file cut in the middle: the complete lines before the cut are records.
    lines = []
    for _ in range(40):
        k, title, paragraphs = next_article()
        lines.append(json.dumps({"title": title, "text": "\n\n".join(paragraphs), "url": f"https://depeches.exemple.test/coupe/{k}"}, ensure_ascii=False))
    whole = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0)
    cut = whole[: len(whole) // 2]
    path = corpus.write("bad/coupe.jsonl.gz", cut)
    readable = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(cut)
    complete = readable.count(b"\n")
    assert 0 < complete < 40
    for line in lines[:complete]:
        record = json.loads(line)
        corpus.good[record["title"].split()[-1]] = article_id(normalize_url(record["url"]), b"")
    corpus.records += complete + 1
    corpus.failures[f"{path}:{complete + 1}"] = r"truncated|corrupt"
    corpus.labels["truncated-jsonl-gz"] = f"{path}:{complete + 1}"
    # Articles numbered after the cut were never readable: keep the numbering honest.
    assert all(token(i) in corpus.good for i in range(1, n - (40 - complete) + 1))

    # --- bad files ----------------------------------------------------------------------
    corpus.bad_file("png-as-html", "bad/photo.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rnd.randrange(256) for _ in range(3000)), r"PNG")
    corpus.bad_file("pdf-as-txt", "bad/rapport.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" * 20, r"PDF")
    for i in range(N_MAGIC):
        if i % 2:
            corpus.write(f"bad/magic/image-{i:02d}.htm", b"\x89PNG\r\n\x1a\n" + bytes(rnd.randrange(256) for _ in range(100 + i)))
            corpus.failures[str(root / f"bad/magic/image-{i:02d}.htm")] = r"PNG"
        else:
            corpus.write(f"bad/magic/doc-{i:02d}.txt.gz", b"%PDF-1.7\n" + bytes(rnd.randrange(256) for _ in range(100 + i)), gz=True)
            corpus.failures[str(root / f"bad/magic/doc-{i:02d}.txt.gz")] = r"PDF"
        corpus.records += 1
    for i in range(N_RANDOM_BINARY):
        ext = ("txt", "html", "htm", "txt.gz")[i % 4]
        data = bytes(rnd.randrange(256) for _ in range(4096 + 97 * i))
        path = corpus.write(f"bad/aleatoire/bruit-{i:02d}.{ext}", data, gz=ext.endswith(".gz"))
        corpus.failures[str(path)] = r"not a text file|binary"
        corpus.random_binaries.append(str(path))
        corpus.records += 1
    empties = ["txt", "html", "htm", "jsonl", "txt.gz", "html.gz", "jsonl.gz"]
    for i in range(N_EMPTY):
        ext = empties[i % len(empties)]
        content = b"" if i < len(empties) * 2 else b" \n\t\r\n  \n"
        gz = ext.endswith(".gz") and i >= len(empties)  # the first ones are zero-byte files, even the .gz ones
        path = corpus.write(f"bad/vides/vide-{i:02d}.{ext}", content, gz=gz)
        corpus.failures[str(path)] = r"^empty file$"
        corpus.records += 1
    corpus.labels["zero-byte-gz"] = str(root / "bad/vides/vide-04.txt.gz")
    corpus.labels["empty-txt"] = str(root / "bad/vides/vide-00.txt")
    for i in range(N_SCRIPT_ONLY):
        page = (
            f"<html><head><title>Sans texte {i}</title><style>body {{ margin: {i}px }}</style>"
            f"<script>var texteCache = 'Ce script ne doit jamais être indexé {i}';</script></head>"
            f"<body><script>document.write('bonjour');</script>{'<div></div>' * i}</body></html>"
        )
        path = corpus.write(f"bad/sans-texte/script-{i:02d}.html", page)
        corpus.failures[str(path)] = r"no article text"
        corpus.script_only.append(str(path))
        corpus.records += 1
    corpus.bad_file(
        "nav-only",
        "bad/menu-seul.html",
        "<html><head><title>Accueil</title></head><body><nav><ul><li><a href='/'>Accueil</a></li>"
        "<li><a href='/politique'>Politique</a></li><li><a href='/sport'>Sport</a></li></ul></nav></body></html>",
        r"no article text",
    )
    corpus.bad_file(
        "nav-script-footer-only",
        "bad/habillage-seul.html",
        "<html><head><script>var a = 1;</script><style>p {}</style></head><body><nav><a href='/'>Accueil</a> | "
        "<a href='/x'>Politique</a> | <a href='/y'>Économie</a></nav><script>track()</script><footer>© 2017 Le Journal</footer></body></html>",
        r"no article text",
    )
    k, title, paragraphs = next_article()
    nested = "<html><head><title>Imbriqué</title></head><body>" + "<div>" * 50_000 + f"<h1>{title}</h1><p>{'</p><p>'.join(paragraphs)}</p>" + "</div>" * 50_000
    path = corpus.write("bad/imbrique.html", nested + "</body></html>")
    corpus.records += 1
    corpus.either[str(path)] = r"nested|no article text"
    corpus.labels["deeply-nested"] = str(path)
    nested_token = token(k)

    # One 50 MB text file, written in 1 MB blocks; and a small gzip that inflates past the limit.
    block = ("Ligne de remplissage d'une archive géante sans aucun intérêt. " * 16 + "\n").encode("utf-8")
    with (root / "bad" / "geant.txt").open("wb") as fh:
        for _ in range(50 * 1024 * 1024 // len(block) + 1):
            fh.write(block)
    corpus.files += 1
    corpus.records += 1
    corpus.failures[str(root / "bad" / "geant.txt")] = r"too big"
    corpus.labels["50-mb-txt"] = str(root / "bad" / "geant.txt")
    corpus.bad_file("gzip-bomb", "bad/bombe.txt.gz", b"a" * (30 * 1024 * 1024), r"too big", gz=True)

    # Symbolic links: one to nowhere, one to itself.
    os.symlink("nulle-part.txt", root / "bad" / "lien-casse.txt")
    corpus.failures[str(root / "bad" / "lien-casse.txt")] = r"No such file"
    corpus.labels["dangling-symlink"] = str(root / "bad" / "lien-casse.txt")
    os.symlink("lien-boucle.txt", root / "bad" / "lien-boucle.txt")
    corpus.failures[str(root / "bad" / "lien-boucle.txt")] = r"symbolic links|loop"
    corpus.labels["self-symlink"] = str(root / "bad" / "lien-boucle.txt")
    corpus.records += 2

    # Files the readers do not read at all (no record): unsupported or hidden.
    (root / "bad" / "notes.md").write_text("# pas un article\n", "utf-8")
    (root / "good" / ".cache.txt").write_text("Fichier caché\n\nNe doit pas être lu.\n", "utf-8")

    corpus.nested_token = nested_token
    return corpus


def run_index(index: Path, corpus: Path) -> tuple[subprocess.CompletedProcess, dict | None]:
    cmd = [sys.executable, "-m", "newsarchive.cli", "index", "--index", str(index), "--no-entities", "--workers", "2", "--json", str(corpus)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, cwd=index.parent, check=False)
    try:
        summary = json.loads(proc.stdout)
    except json.JSONDecodeError:
        summary = None
    return proc, summary


@dataclass
class Run:
    corpus: Corpus
    index: Path
    first: subprocess.CompletedProcess
    first_summary: dict | None
    second: subprocess.CompletedProcess
    second_summary: dict | None

    def failures(self) -> dict[str, str]:
        assert self.first_summary is not None, self.first.stdout[-2000:]
        return {f["input"]: f["reason"] for f in self.first_summary["failures"]}


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    base = tmp_path_factory.mktemp("hostile")
    corpus = build_corpus(base / "corpus")
    index = base / "index"
    first, first_summary = run_index(index, corpus.root)
    second, second_summary = run_index(index, corpus.root)
    return Run(corpus, index, first, first_summary, second, second_summary)


@pytest.fixture(scope="module")
def archive(run) -> Archive:
    return Archive(run.index)


def total_hits(archive: Archive, q: str) -> int:
    return archive.search(SearchRequest(query=q, limit=100)).total


# --- the run as a whole ------------------------------------------------------------------


def test_generated_corpus_has_over_a_thousand_files(run):
    on_disk = sum(1 for folder, _, names in os.walk(run.corpus.root) for name in names if not os.path.islink(os.path.join(folder, name)))
    assert on_disk >= 1000
    assert run.corpus.files == on_disk - 2  # all but the unsupported and the hidden file
    assert 880 <= len(run.corpus.good) <= 1000


def test_indexing_finishes_with_exit_code_1_and_no_traceback(run):
    assert "Traceback" not in run.first.stderr, run.first.stderr[-3000:]
    assert run.first.returncode == 1, (run.first.returncode, run.first.stderr[-3000:])
    assert run.first_summary is not None, run.first.stdout[-2000:]
    assert run.first_summary["index"] == str(run.index)


def test_every_record_is_counted_once_as_added_unchanged_or_failed(run):
    s = run.first_summary
    assert s["updated"] == 0
    assert s["failed"] == len(s["failures"])
    assert s["added"] + s["unchanged"] + s["failed"] == run.corpus.records, (s["added"], s["unchanged"], s["failed"], run.corpus.records)


def test_every_good_article_is_in_the_index_under_its_expected_id(run, archive):
    missing = []
    for word, article in run.corpus.good.items():
        stored = archive.article(article)
        if stored is None or word not in stored.title.split():
            missing.append((word, article, stored.title if stored else None))
    assert not missing, f"{len(missing)} good articles missing, e.g. {missing[:5]}"


def test_good_articles_are_found_by_their_title_word(run, archive):
    words = [*sorted(run.corpus.good)[::25], "kw00001", sorted(run.corpus.good)[-1]]
    for word in words:
        assert total_hits(archive, f"title:{word}") == 1, word
    nested_indexed = run.corpus.labels["deeply-nested"] not in run.failures()
    assert total_hits(archive, "title:kw0*") == len(run.corpus.good) + nested_indexed


def test_no_good_input_is_reported_as_failed(run):
    expected = set(run.corpus.failures) | set(run.corpus.either)
    unexpected = {k: v for k, v in run.failures().items() if k not in expected}
    assert not unexpected, list(unexpected.items())[:10]


def test_no_failure_reason_reveals_an_unexpected_exception(run):
    for origin, reason in run.failures().items():
        assert reason.strip(), origin
        assert not reason.startswith(("extraction error:", "entity recognition error:")), (origin, reason)
        assert "internal" not in reason.lower(), (origin, reason)
        assert not re.search(r"\b\w*(Error|Exception):", reason), (origin, reason)


def test_a_folder_linking_to_itself_and_its_parent_is_read_once(run, archive):
    inside = [w for w, a in run.corpus.good.items() if archive.article(a) and "boucle" in archive.article(a).origin]
    assert len(inside) == 1
    assert not any("boucle/parent" in f or "boucle/ici" in f or "boucle-lien" in f for f in run.failures())


def test_second_run_over_the_same_files_changes_nothing(run):
    s, again = run.first_summary, run.second_summary
    assert "Traceback" not in run.second.stderr, run.second.stderr[-3000:]
    assert run.second.returncode == 1
    assert again is not None, run.second.stdout[-2000:]
    assert (again["added"], again["updated"]) == (0, 0)
    assert again["unchanged"] == s["added"] + s["unchanged"]
    assert again["failed"] == s["failed"]
    assert {f["input"]: f["reason"] for f in again["failures"]} == run.failures()


# --- each bad input, with its reason -----------------------------------------------------


BAD_LABELS = [
    "png-as-html",
    "pdf-as-txt",
    "empty-txt",
    "zero-byte-gz",
    "50-mb-txt",
    "gzip-bomb",
    "truncated-jsonl-gz",
    "dangling-symlink",
    "self-symlink",
    *[f"jsonl-line-{i}" for i in (2, 3, 4, 5, 7, 8, 9, 10)],
    "nav-only",
    "nav-script-footer-only",
]


@pytest.mark.parametrize("label", BAD_LABELS)
def test_bad_input_is_reported_with_a_specific_reason(run, label):
    origin = run.corpus.labels[label]
    failures = run.failures()
    assert origin in failures, f"{label}: {origin} not among the failures"
    assert re.search(run.corpus.failures[origin], failures[origin]), (label, failures[origin])


def test_every_expected_failure_is_reported_with_its_reason(run):
    failures = run.failures()
    wrong = {}
    for origin, pattern in run.corpus.failures.items():
        if origin not in failures or not re.search(pattern, failures[origin]):
            wrong[origin] = failures.get(origin)
    assert not wrong, list(wrong.items())[:10]


def test_random_binary_files_are_refused_as_binary(run):
    failures = run.failures()
    assert len(run.corpus.random_binaries) == N_RANDOM_BINARY
    for origin in run.corpus.random_binaries:
        assert re.search(r"not a text file", failures.get(origin, "")), (origin, failures.get(origin))


def test_pages_with_only_scripts_and_styles_are_refused_and_script_text_is_not_indexed(run, archive):
    failures = run.failures()
    for origin in run.corpus.script_only:
        assert "no article text" in failures.get(origin, ""), (origin, failures.get(origin))
    assert total_hits(archive, "texteCache") == 0
    assert total_hits(archive, '"script ne doit jamais"') == 0
    assert total_hits(archive, "title:texte") == 0


def test_truncated_html_pages_keep_their_text(run, archive):
    failures = run.failures()
    assert len(run.corpus.truncated_html) == N_TRUNCATED_HTML
    for origin in run.corpus.truncated_html:
        assert origin not in failures, (origin, failures[origin])
    words = [w for w, a in run.corpus.good.items() if (art := archive.article(a)) is not None and "/tronque/" in art.origin]
    assert len(words) == N_TRUNCATED_HTML


def test_deeply_nested_page_is_indexed_or_refused_with_a_reason(run, archive):
    origin = run.corpus.labels["deeply-nested"]
    failures = run.failures()
    found = total_hits(archive, f"title:{run.corpus.nested_token}")
    if origin in failures:
        assert re.search(run.corpus.either[origin], failures[origin]), failures[origin]
        assert found == 0
    else:
        assert found == 1


def test_wrong_typed_json_fields_give_an_article_or_a_reason(run, archive):
    failures = run.failures()
    origin = next(o for o in run.corpus.either if o.endswith("types.jsonl:1"))
    if origin in failures:
        assert "no article text" in failures[origin]
    else:
        assert any(h.title == "5" for h in archive.search(SearchRequest(query='"a, 3"', limit=100)).hits)


# --- readable files with odd names and encodings -----------------------------------------


@pytest.mark.parametrize(
    ("label", "word"),
    [
        ("unicode-name-txt", "pâtisserie"),
        ("unicode-name-html", None),
        ("utf-16", "médiathèque"),
        ("latin1-declared-utf8", "forêts"),
        ("utf8-declared-cp1252", "œuvre"),
        ("invalid-utf8", "théâtre"),
    ],
)
def test_odd_readable_file_is_indexed_without_mojibake(run, archive, label, word):
    article = archive.article(run.corpus.ids[label])
    assert article is not None, label
    assert article.origin not in run.failures()
    text = f"{article.title}\n{article.text}"
    assert not re.search(r"Ã|Â|â€|Ð|Đ", text), text[:300]
    if label != "invalid-utf8":  # there, a replacement character for each invalid byte is right
        assert "\ufffd" not in text, text[:300]
    assert "é" in text or "è" in text, text[:300]
    if word:
        assert word in text
        hits = archive.search(SearchRequest(query=f"exact:{word}", limit=100)).hits
        assert run.corpus.ids[label] in {h.id for h in hits}, word


def test_utf16_file_text_is_exactly_the_written_text(run, archive):
    article = archive.article(run.corpus.ids["utf-16"])
    assert article is not None
    assert "La médiathèque rouvrira après l'été, a précisé l'élue." in article.text
    assert "\x00" not in article.text and "\ufeff" not in article.title
