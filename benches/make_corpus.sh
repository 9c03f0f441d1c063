#!/usr/bin/env bash
# make_corpus.sh — build a deterministic benchmark corpus for themata.
#
# Usage: benches/make_corpus.sh OUT_DIR SIZE_MB
#
# Writes about SIZE_MB * 1,000,000 bytes of UTF-8 text into OUT_DIR as files named
# news-NNNNN.txt (20-100 KB each), shaped like themata's input: each file is a
# "newsletter" (site header lines, repeated as web pages repeat them), then several
# interview sections, each a title line, an "Interview with NAME, ORGANISATION" heading,
# introductory paragraphs, then questions (paragraphs ending in '?') each followed by
# one to three answer paragraphs.
#
# The prose is real English running text from two Debian (bookworm) packages, installed
# with apt-get when missing:
#   linux-doc-6.1  (Linux kernel documentation, reStructuredText sources; GPL-2)
#   python3.11-doc (Python 3.11 documentation, reStructuredText sources; PSF License)
#   perl-doc       (Perl 5.36 POD manuals and FAQs; GPL-1+ or Artistic)
#   postgresql-doc-15 (PostgreSQL 15 manual, HTML; PostgreSQL Licence)
# Markup, code blocks, literal blocks, tables and doctests are dropped; only paragraphs
# that read as prose are kept: about 21 MB, 90 000 paragraphs, ~37 000 distinct lowercase
# words (runs of letters, lowercased). The prose is technical documentation, so it is
# full of identifiers and jargon rather than interview talk.
# Names, organisations, titles and most questions are made from word lists.
#
# Deterministic: the same package versions, SIZE_MB and script version give the same bytes
# (no clock, no hash order, a PRNG implemented here with a fixed seed). The package
# versions are recorded in OUT_DIR/.make_corpus.stamp; if Debian ships a new version of a
# package, the output changes with it.
#
# Idempotent: if OUT_DIR/.make_corpus.stamp matches this size, script version and package
# versions, nothing is done. Otherwise OUT_DIR is rebuilt (it must be empty, missing, or an
# earlier output of this script: other directories are refused, never deleted).
#
# Sizes past the prose pool (~20 MB) reuse its sentences: the first pass uses each source
# paragraph once; later passes cut new answer paragraphs from windows of consecutive
# sentences, so paragraphs rarely repeat verbatim but sentences do.
set -euo pipefail

SCRIPT_VERSION=1
SEED=20240601

usage() { echo "usage: $0 OUT_DIR SIZE_MB   (SIZE_MB: integer 1..100000)" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
OUT=$1
SIZE_MB=$2
[[ $SIZE_MB =~ ^[0-9]+$ ]] && (( SIZE_MB >= 1 && SIZE_MB <= 100000 )) || usage

KERNEL_PKG=linux-doc-6.1
KERNEL_SRC=/usr/share/doc/linux-doc-6.1/html/_sources
PYDOC_PKG=python3.11-doc
PYDOC_SRC=/usr/share/doc/python3.11/html/_sources
PERL_PKG=perl-doc
PG_PKG=postgresql-doc-15
PG_SRC=/usr/share/doc/postgresql-doc-15/html
perl_src() { dirname "$(dpkg -L perl-doc 2>/dev/null | grep -m1 '/pod/perlfaq4\.pod$')"; }

pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }

# Install the source packages if their files are missing.
missing=()
[[ -f $KERNEL_SRC/index.rst.txt ]] || missing+=("$KERNEL_PKG")
[[ -f $PYDOC_SRC/contents.rst.txt ]] || missing+=("$PYDOC_PKG")
[[ -f $(perl_src)/perlfaq4.pod ]] || missing+=("$PERL_PKG")
[[ -f $PG_SRC/index.html ]] || missing+=("$PG_PKG")
if (( ${#missing[@]} )); then
    echo "make_corpus: installing ${missing[*]} (apt-get)" >&2
    if [[ $(id -u) -ne 0 ]]; then
        echo "make_corpus: need root to install ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y --no-install-recommends "${missing[@]}" >&2; then
        apt-get update >&2
        apt-get install -y --no-install-recommends "${missing[@]}" >&2
    fi
fi

STAMP_TEXT="make_corpus v$SCRIPT_VERSION seed=$SEED size_mb=$SIZE_MB $KERNEL_PKG=$(pkg_version $KERNEL_PKG) $PYDOC_PKG=$(pkg_version $PYDOC_PKG) $PERL_PKG=$(pkg_version $PERL_PKG) $PG_PKG=$(pkg_version $PG_PKG)"
STAMP=$OUT/.make_corpus.stamp

if [[ -f $STAMP ]] && [[ $(head -n1 "$STAMP") == "$STAMP_TEXT" ]]; then
    echo "make_corpus: $OUT is up to date ($STAMP_TEXT)"
    tail -n +2 "$STAMP"
    exit 0
fi

if [[ -e $OUT ]]; then
    if [[ ! -d $OUT ]]; then
        echo "make_corpus: $OUT exists and is not a directory" >&2
        exit 1
    fi
    if [[ ! -f $STAMP ]] && [[ -n $(ls -A "$OUT") ]]; then
        echo "make_corpus: $OUT is not empty and is not an output of this script; refusing to overwrite" >&2
        exit 1
    fi
fi

TMP="$OUT.tmp.$$"
rm -rf "$TMP"
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT

# Keep CPU use modest on shared machines: one process, lowered priority.
nice -n 10 python3 - "$TMP" "$SIZE_MB" "$SEED" "$KERNEL_SRC" "$PYDOC_SRC" "$(perl_src)" "$PG_SRC" "$STAMP_TEXT" <<'PYEOF'
import os, re, sys

out_dir, size_mb, seed, kernel_src, pydoc_src, perl_src, pg_src, stamp_text = sys.argv[1:9]
size_mb = int(size_mb)
seed = int(seed)
TOTAL = size_mb * 1_000_000

# ---------------------------------------------------------------- PRNG (splitmix64)
MASK = (1 << 64) - 1
class Rng:
    def __init__(self, s):
        self.s = s & MASK
    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)
    def below(self, n):          # uniform-enough integer in [0, n)
        return self.next() % n
    def range(self, lo, hi):     # inclusive
        return lo + self.below(hi - lo + 1)
    def pick(self, seq):
        return seq[self.below(len(seq))]
    def chance(self, per_mille):
        return self.below(1000) < per_mille
    def shuffle(self, seq):
        for i in range(len(seq) - 1, 0, -1):
            j = self.below(i + 1)
            seq[i], seq[j] = seq[j], seq[i]

# ---------------------------------------------------------------- reST -> prose paragraphs
HEADING_UNDERLINE = re.compile(r'^([=\-~^"\'`#*+:.<>_])\1{2,}\s*$')
TABLE_LINE = re.compile(r'^\s*(\+[-=+]{3,}|={3,}(\s+={2,})+\s*$|\|)')
BULLET = re.compile(r'^(\s*)([-*+•]|#\.|\d{1,3}[.)]|\(?[a-zA-Z0-9]{1,3}\)|[a-zA-Z]\.)\s+')
FIELD = re.compile(r'^\s*:[^:`\s][^:`]*:(\s|$)')
DIRECTIVE = re.compile(r'^\s*\.\.\s+([A-Za-z][\w:.-]*)::')
# Directives whose indented body is prose; everything else (code, tables, toctrees,
# kernel-doc, math, raw, comments...) has its body skipped.
PROSE_DIRECTIVES = {
    'note', 'warning', 'tip', 'hint', 'important', 'attention', 'caution', 'danger',
    'error', 'admonition', 'seealso', 'versionadded', 'versionchanged', 'deprecated',
    'deprecated-removed', 'impl-detail', 'topic', 'sidebar', 'rubric', 'glossary',
    'function', 'method', 'class', 'attribute', 'data', 'exception', 'module',
    'classmethod', 'staticmethod', 'decorator', 'decoratormethod', 'describe', 'option',
    'envvar', 'opcode', 'cmdoption', 'abstractmethod', 'coroutinefunction',
    'coroutinemethod', 'c:function', 'c:macro', 'c:type', 'c:member', 'c:var', 'c:struct',
    'c:enum', 'c:enumerator', 'c:union', 'c:data', 'pdbcommand', 'attention',
}

def inline(text):
    """Strip reST inline markup from a paragraph."""
    text = re.sub(r':[\w:+-]+:`~?!?([^`<]*?)\s*<[^`>]*>`', r'\1', text)     # :role:`text <target>`
    def role(m):
        body = m.group(1)
        if body.startswith('~'):
            body = body[1:].split('.')[-1]
        return body.lstrip('!')
    text = re.sub(r':[\w:+-]+:`([^`]*)`', role, text)                     # :role:`text`
    text = re.sub(r'`([^`<]*?)\s*<[^`>]*>`__?', r'\1', text)               # `text <url>`_
    text = re.sub(r'``([^`]*)``', r'\1', text)                             # ``literal``
    text = re.sub(r'`([^`]*)`_{0,2}', r'\1', text)                         # `text`_ / `x`
    text = re.sub(r'\s*\[(?:#[\w-]*|\*|\d+)\]_', '', text)                 # footnote refs
    text = re.sub(r'\*\*([^*]+)\*\*', r'\1', text)
    text = re.sub(r'(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])', r'\1', text)
    text = re.sub(r'\|([\w -]+)\|', r'\1', text)                           # |substitution|
    text = re.sub(r'\\(.)', r'\1', text)
    text = re.sub(r'\s+', ' ', text).strip()
    return text

WORDY = re.compile(r'^[("\'“‘]?[A-Za-z][a-z]*(?:[\'’-][A-Za-z]+)*[.,;:!?)"\'”’]*$')
def prose_ok(p):
    """Reads as running prose: enough words, mostly plain words, few code characters."""
    if not p or not (p[0].isupper() or p[0] in '"“('):
        return False
    words = p.split()
    n = len(words)
    if n < 8 or n > 400:
        return False
    if p[-1] not in '.!' and not p.endswith(('.)', '."', '.”')):
        return False
    wordy = sum(1 for w in words if WORDY.match(w))
    if wordy < 0.75 * n:
        return False
    if len(CODEISH.findall(p)) > 0.02 * len(p):
        return False
    non_ascii = sum(1 for c in p if ord(c) > 127)
    if non_ascii > 0.01 * len(p):
        return False
    if 'http' in p or '::' in p or '$' in p or '{' in p or ';' in p.replace('; ', ''):
        return False
    return True

def capitalise(p):
    return p[0].upper() + p[1:] if p and p[0].islower() else p

def question_ok(q):
    words = q.split()
    return (q.endswith('?') and 4 <= len(words) <= 30 and q[0].isupper()
            and sum(1 for w in words if WORDY.match(w)) >= 0.8 * len(words)
            and not CODEISH.search(q) and all(ord(c) < 128 for c in q))

CODEISH = re.compile(r'[{}\[\]<>=_/\\|#$@%^~`*&]')

def clean_title(t):
    t = inline(t)
    if '---' in t:
        t = t.split('---', 1)[1]
    t = re.sub(r'[^\w\s\'’&-]', ' ', t)
    t = re.sub(r'\s+', ' ', t).strip(" -'")
    words = [w for w in t.split() if not any(c.isdigit() for c in w) and '_' not in w]
    if len(words) < 2:
        return None
    words = words[:8]
    t = ' '.join(words)
    return t[0].upper() + t[1:]

def parse_rst(text):
    """Return (title, [prose paragraphs], [question sentences]) of one reST document."""
    lines = text.expandtabs(8).split('\n')
    blocks, cur = [], []
    for ln in lines:
        if ln.strip():
            cur.append(ln.rstrip())
        elif cur:
            blocks.append(cur); cur = []
    if cur:
        blocks.append(cur)
    title = None
    paras, heads = [], []
    skip_indent = None       # skip blocks indented deeper than this (literal/code bodies)
    for b in blocks:
        ind = len(b[0]) - len(b[0].lstrip())
        if skip_indent is not None:
            if ind > skip_indent:
                continue
            skip_indent = None
        first = b[0].strip()
        # Headings (with or without overline).
        if len(b) >= 2 and HEADING_UNDERLINE.match(b[1]) and not HEADING_UNDERLINE.match(b[0]):
            heads.append(inline(first))
            if title is None:
                title = clean_title(first)
            b = b[2:]
            if not b:
                continue
            first = b[0].strip(); ind = len(b[0]) - len(b[0].lstrip())
        if HEADING_UNDERLINE.match(b[0]):
            if len(b) >= 3 and HEADING_UNDERLINE.match(b[2]):
                if title is None:
                    title = clean_title(b[1].strip())
                b = b[3:]
                if not b:
                    continue
                first = b[0].strip(); ind = len(b[0]) - len(b[0].lstrip())
            else:
                continue
        m = DIRECTIVE.match(b[0])
        if m or first.startswith('..'):
            name = m.group(1).lower() if m else ''
            if name.startswith('py:'):
                name = name[3:]
            if name not in PROSE_DIRECTIVES:
                skip_indent = ind
                continue
            # Prose directive: drop the directive line and its options; keep the body.
            body = [l for l in b[1:] if not FIELD.match(l)]
            if not body:
                continue
            b = body
            first = b[0].strip()
        if first.startswith(('>>>', '$ ', '# ', '%', '::')) or TABLE_LINE.match(b[0]):
            if b[-1].rstrip().endswith('::'):
                skip_indent = ind
            continue
        if FIELD.match(b[0]):
            continue
        literal_follows = b[-1].rstrip().endswith('::')
        # Split bullet / enumerated lists into items; definition-list terms are dropped.
        items, item = [], []
        for l in b:
            bm = BULLET.match(l)
            if bm and len(bm.group(1)) <= ind + 1:
                if item:
                    items.append(item)
                item = [l[bm.end():]]
            else:
                item.append(l)
        if item:
            items.append(item)
        for it in items:
            if len(it) >= 2:
                i0 = len(it[0]) - len(it[0].lstrip())
                i1 = len(it[1]) - len(it[1].lstrip())
                if i1 > i0 and len(it[0].split()) <= 6 and not it[0].rstrip().endswith('.'):
                    it = it[1:]              # definition-list term
            p = ' '.join(l.strip() for l in it)
            if literal_follows and p.endswith('::'):
                p = p[:-2].rstrip()
                p = p + ':' if p and p[-1].isalnum() else p
            p = capitalise(inline(p))
            if prose_ok(p):
                paras.append(p)
        if literal_follows:
            skip_indent = ind
    return title, paras, [h for h in heads if question_ok(h)]

# ---------------------------------------------------------------- POD -> prose paragraphs
def pod_inline(text):
    text = re.sub(r'[A-Z]<<+\s+(.*?)\s+>>+', r'\1', text)          # C<< ... >>
    escapes = {'gt': '>', 'lt': '<', 'verbar': '|', 'sol': '/', 'quot': '"', 'amp': '&'}
    for _ in range(6):
        new = re.sub(r'X<[^<>]*>|Z<>', '', text)
        new = re.sub(r'E<(\w+)>', lambda m: escapes.get(m.group(1), ''), new)
        def link(m):
            body = m.group(1)
            if '|' in body:
                return body.split('|', 1)[0]
            body = body.replace('"', '')
            if '/' in body and not body.startswith('http'):
                page, sec = body.split('/', 1)
                return f'{sec} in {page}' if page and sec else (sec or page)
            return body
        new = re.sub(r'L<([^<>]*)>', link, new)
        new = re.sub(r'[A-Z]<([^<>]*)>', r'\1', new)
        if new == text:
            break
        text = new
    return re.sub(r'\s+', ' ', text).strip()

def parse_pod(text):
    """Return (title, [prose paragraphs], [questions]) of one POD document."""
    blocks, cur = [], []
    for ln in text.split('\n'):
        if ln.strip():
            cur.append(ln.rstrip())
        elif cur:
            blocks.append(cur); cur = []
    if cur:
        blocks.append(cur)
    title, paras, heads = None, [], []
    skipping = None          # inside =begin NAME ... =end NAME
    want_name = False
    for b in blocks:
        first = b[0]
        if skipping:
            if first.startswith('=end'):
                skipping = None
            continue
        if first.startswith('='):
            cmd, _, arg = first.partition(' ')
            if cmd == '=begin':
                skipping = arg or True
            elif cmd.startswith('=head'):
                h = pod_inline(' '.join([arg] + b[1:]))
                want_name = h == 'NAME'
                heads.append(h)
            continue
        if first[0] in ' \t':       # verbatim (code)
            continue
        p = pod_inline(' '.join(l.strip() for l in b))
        if want_name:
            want_name = False
            if title is None:
                t = p.split(' - ', 1)[-1]
                title = clean_title(t)
            continue
        p = capitalise(p)
        if prose_ok(p):
            paras.append(p)
    return title, paras, [h for h in heads if question_ok(h)]

# ---------------------------------------------------------------- HTML -> prose paragraphs
from html.parser import HTMLParser

class ParaParser(HTMLParser):
    """Collects the text of <p> elements outside tables, navigation and <pre> blocks."""
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paras, self.heads = [], []
        self.title, self.in_title = '', False
        self.skip = 0            # depth inside <table>/<pre>/<script>/<style>
        self.buf = None          # text of the open <p>
        self.hbuf = None         # text of the open <h1>..<h4>
    def handle_starttag(self, tag, attrs):
        if tag in ('table', 'pre', 'script', 'style'):
            self.skip += 1
        elif tag == 'p' and not self.skip:
            self.flush()
            self.buf = []
        elif tag in ('h1', 'h2', 'h3', 'h4') and not self.skip:
            self.hbuf = []
        elif tag == 'title':
            self.in_title = True
    def handle_endtag(self, tag):
        if tag in ('table', 'pre', 'script', 'style'):
            self.skip = max(0, self.skip - 1)
        elif tag == 'p':
            self.flush()
        elif tag in ('h1', 'h2', 'h3', 'h4') and self.hbuf is not None:
            self.heads.append(' '.join(''.join(self.hbuf).split()))
            self.hbuf = None
        elif tag == 'title':
            self.in_title = False
    def handle_data(self, data):
        if self.in_title:
            self.title += data
        if self.skip:
            return
        if self.buf is not None:
            self.buf.append(data)
        if self.hbuf is not None:
            self.hbuf.append(data)
    def flush(self):
        if self.buf is not None:
            self.paras.append(' '.join(''.join(self.buf).split()))
            self.buf = None

def parse_html(text):
    """Return (title, [prose paragraphs], [questions]) of one HTML page."""
    pp = ParaParser()
    pp.feed(text)
    pp.close()
    pp.flush()
    paras = [capitalise(p) for p in pp.paras]
    heads = [re.sub(r'^[\d.]+\s+', '', h) for h in pp.heads]
    title = clean_title(re.sub(r'^[\d.]+\s+', '', pp.title.split(':')[-1].strip()))
    return title, [p for p in paras if prose_ok(p)], [h for h in heads if question_ok(h)]

SENT_SPLIT = re.compile(r'(?<=[.!?])\s+(?=[A-Z"“(])')
ABBREV_END = re.compile(r'\b(?:e\.g|i\.e|etc|vs|cf|Mr|Dr|No|approx|Fig)\.$')

def sentences(p):
    out = []
    for s in SENT_SPLIT.split(p):
        if out and ABBREV_END.search(out[-1]):
            out[-1] += ' ' + s
        else:
            out.append(s)
    return out

def collect(root, exclude, suffix):
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if os.path.join(dirpath, d) not in exclude)
        for f in filenames:
            if f.endswith(suffix):
                files.append(os.path.join(dirpath, f))
    return sorted(files)

docs = []       # (title, [paragraphs])
questions = []  # real question sentences found in the prose
seen_para = set()
sources = [(kernel_src, {os.path.join(kernel_src, 'translations')}, '.rst.txt', parse_rst),
           (pydoc_src, set(), '.rst.txt', parse_rst),
           (perl_src, set(), '.pod', parse_pod),
           (pg_src, set(), '.html', parse_html)]
for root, exclude, suffix, parse in sources:
    for path in collect(root, exclude, suffix):
        with open(path, encoding='utf-8', errors='replace') as fh:
            title, paras, heads = parse(fh.read())
        questions.extend(heads)
        kept = []
        for p in paras:
            if p in seen_para:
                continue
            seen_para.add(p)
            kept.append(p)
            for s in sentences(p):
                if question_ok(s):
                    questions.append(s)
        if not kept:
            continue
        if title is None:
            base = os.path.basename(path).split('.')[0].replace('-', ' ').replace('_', ' ')
            title = clean_title(base.title() + ' notes') or 'Notes'
        # Short documents are merged into the one before them (same source, file order).
        if docs and (len(kept) < 6 or len(docs[-1][1]) < 6) and docs[-1][2] == root:
            docs[-1][1].extend(kept)
        else:
            docs.append((title, kept, root))
del seen_para
docs = [(t, ps) for t, ps, _ in docs]
questions = sorted(set(questions))

pool_bytes = sum(len(p) + 2 for _, ps in docs for p in ps)
n_paras = sum(len(ps) for _, ps in docs)

# ---------------------------------------------------------------- word lists
FIRST = """Amina Aisha Ana Anders Andrea Anh Anjali Arjun Astrid Ayodele Bao Beatriz Bilal Binoy
Carlos Carmen Chen Chiamaka Chloe Dalia Daniel Deepa Diego Dmitri Elena Elif Emeka Emma
Esther Fatima Felipe Femi Farah Gabriel Grace Hana Hassan Ibrahim Ines Irina Isabel Jamal
Javier Jia Joao Jonas Joseph Julia Kamala Karim Kenji Khadija Kofi Lakshmi Lars Layla Leila
Lena Lucia Luis Mai Malik Mar Maria Mariam Marta Mei Miguel Mina Mohammed Nadia Naledi
Nasrin Neha Nikos Nina Noor Olga Omar Oscar Pablo Paola Pedro Priya Rafael Rania Ravi Rosa
Ruth Sabine Salma Samuel Sana Sara Sergio Shirin Sipho Sofia Sunita Tamar Thandiwe Tomas
Tuan Valentina Vera Victor Wanjiru Yasmin Yusuf Zainab Zanele Zeynep Zhang""".split()
LAST = """Abebe Achieng Adeyemi Ahmed Alvarez Andersen Anwar Aziz Bakker Banda Bello Bianchi
Castillo Chowdhury Costa Da Silva Dlamini Dube Eriksen Farouk Fernandes Fischer Garcia
Ghosh Gonzalez Gupta Haddad Hakimi Hansen Hossain Ibrahim Iyer Jensen Kamau Kaya Khan
Kim Kowalski Kumar Lopez Lozano Mahlangu Mallick Martins Mendoza Moreno Murray Mwangi
Nakamura Nasser Ndlovu Nguyen Novak Nowak Nyambura Obi Odhiambo Okafor Okonkwo Oliveira
Ortiz Osei Park Pedraza Perera Petrov Popescu Qureshi Rahman Ramos Rao Reyes Rodriguez
Romero Rossi Sahin Santos Sato Schmidt Sen Shah Silva Singh Sithole Suarez Tanaka Tembo
Torres Tran Usman Vargas Wafula Wang Wilson Yadav Yilmaz Yusuf Zhou Zulu""".split()
COUNTRIES = """Argentina Bangladesh Bolivia Brazil Cambodia Cameroon Chile Colombia Ecuador Egypt
Ethiopia Ghana Guatemala India Indonesia Jordan Kenya Lebanon Malawi Malaysia Mexico Morocco
Mozambique Nepal Nicaragua Nigeria Pakistan Peru Philippines Senegal Tanzania Thailand
Tunisia Uganda Vietnam Zambia Zimbabwe""".split()
ORG_ADJ = """Northern Southern Eastern Western Central Coastal Rural Urban National Regional
Independent United Open Free Common Shared Grassroots Community Women's Workers' Migrant
Youth Citizens' People's Peoples Frontline""".split()
ORG_TOPIC = """Rights Justice Health Education Labour Housing Land Water Dignity Equality Solidarity
Safety Livelihoods Welfare Freedom Inclusion Literacy Care Mobility Voice Action Support
Development Advocacy Empowerment""".split()
ORG_KIND = """Network Alliance Association Foundation Forum Collective Initiative Centre Council
Coalition Union Trust Society Project Institute Movement""".split()
ORG_FOR = """Migrant Workers|Domestic Workers|Women's Rights|Human Rights|Legal Aid|Social Justice|
Community Health|Rural Development|Labour Rights|Refugee Support|Gender Equality|Child Protection|
Housing Rights|Fair Trade|Civic Education|Disability Rights""".replace('\n', '').split('|')
ROLES = ['Director', 'Programme Coordinator', 'Executive Director', 'Founder', 'President',
         'Project Manager', 'Legal Officer', 'Chairperson', 'Senior Researcher']
NEWS_NAME = ['News', 'Bulletin', 'Newsletter', 'Update', 'Review', 'Digest', 'Voices', 'Quarterly']
TAGLINES = ['Human rights at home, abroad and on the way...', 'Stories from the field',
            'News and interviews from our partners', 'Voices from the movement',
            'Working together for change', 'Reports, interviews and updates']
MONTHS = 'January February March April May June July August September October November December'.split()
Q_TEMPLATES = [
    'What can you tell us about {w}?',
    'How does {w} affect the people you work with?',
    'Why is {w} so important in your work?',
    'How did your organisation first become involved with {w}?',
    'What are the main challenges around {w} at the moment?',
    'Could you explain what {w} means in practice?',
    'What has changed in recent years with regard to {w}?',
    'How do you see the role of {w} developing in the future?',
    'What would you say to people who are new to {w}?',
    'How do {w} and {v} relate to each other in your experience?',
    'Where does {w} fit into your overall strategy?',
    'What lessons have you learned about {w}?',
    'Is {w} something that your partners also talk about?',
    'How do you explain {w} to the communities you support?',
]
STOP = set("""about above after again against because before being below between both
cannot could does doing down during each further having here itself just more most other
ought ourselves over same should some such than that their theirs them themselves then there
these they this those through under until very were what when where which while whom with
would your yours also only used uses using into from will have been make made many much
must need needs like well onto upon within without another either neither whether
first second third following other given different current latest various certain""".split())

NOUNISH = re.compile(r"\b(?:the|your|their|our|its)\s+([a-z]{5,})\b(?!-)")
def keyword(rng, p):
    """A noun-ish word from the paragraph (a word after a determiner)."""
    words = [w for w in NOUNISH.findall(p) if w not in STOP and not w.endswith(('ly', 'ed'))]
    if not words:
        return None
    return rng.pick(words)

def person(rng):
    return rng.pick(FIRST) + ' ' + rng.pick(LAST)

def organisation(rng):
    k = rng.below(5)
    if k == 0:
        return f'{rng.pick(ORG_ADJ)} {rng.pick(ORG_TOPIC)} {rng.pick(ORG_KIND)}'
    if k == 1:
        return f'{rng.pick(ORG_KIND)} for {rng.pick(ORG_FOR)}'
    if k == 2:
        return f'{rng.pick(COUNTRIES)} {rng.pick(ORG_FOR)} {rng.pick(ORG_KIND)}'
    if k == 3:
        return f'{rng.pick(LAST)} {rng.pick(["Foundation", "Trust", "Institute", "Centre"])}'
    return f'{rng.pick(ORG_ADJ)} {rng.pick(ORG_FOR)} {rng.pick(ORG_KIND)}'

# ---------------------------------------------------------------- generation
rng = Rng(seed)

def make_chunks(rng, windowed):
    """Interview bodies: (title, [answer paragraphs]) covering the pool once, shuffled."""
    chunks = []
    for title, paras in docs:
        if windowed:
            sents = [s for p in paras for s in sentences(p)]
            i = rng.below(3)
            body = []
            while i < len(sents):
                n = rng.range(2, 7)
                body.append(' '.join(sents[i:i + n]))
                i += n
        else:
            body = paras
        i = 0
        while i < len(body):
            n = rng.range(5, 16)
            part = [p for p in body[i:i + n] if not p.endswith('?')]
            if part:
                chunks.append((title, part))
            i += n
    rng.shuffle(chunks)
    return chunks

words_seen = set()
WORD = re.compile(r"[^\W\d_]+")
def note_words(s):
    words_seen.update(WORD.findall(s.lower()))

def chunk_stream():
    p = 0
    while True:
        for c in make_chunks(rng, p > 0):
            yield p, c
        p += 1

stream = chunk_stream()
passes_used = 0

def interview(rng, out):
    """Append one interview section's lines to out; return nothing."""
    global passes_used
    pass_no, (doc_title, paras) = next(stream)
    passes_used = max(passes_used, pass_no + 1)
    if pass_no == 0:
        for p in paras:
            note_words(p)
    org = organisation(rng)
    people = [person(rng)]
    if rng.chance(120):
        people.append(person(rng))
    k = rng.below(10)
    if k < 2:
        title = f'{org}, {rng.pick(COUNTRIES)}: {doc_title}'
    elif k < 6:
        title = f'{org}: {doc_title}'
    else:
        title = doc_title
    who = ' and '.join(people)
    if rng.chance(200) and len(people) == 1:
        heading = f'Interview with {who}, {rng.pick(ROLES)} of {org}'
    else:
        heading = f'Interview with {who}, {org}'
    lines = [title, '', heading, '']
    note_words(title); note_words(heading)
    i = 0
    n_intro = min(rng.range(1, 2), max(len(paras) - 1, 0))
    for p in paras[:n_intro]:
        lines += [p, '']
    i = n_intro
    while i < len(paras):
        tpl = rng.pick(Q_TEMPLATES)
        w = keyword(rng, paras[i])
        v = keyword(rng, paras[min(i + 1, len(paras) - 1)])
        if '{v}' in tpl and (v is None or v == w):
            tpl = Q_TEMPLATES[0]
        if w is None or rng.chance(250):
            q = rng.pick(questions)          # a real question from the sources
        else:
            q = tpl.format(w=w, v=v)
        note_words(q)
        lines += [q, '']
        n = rng.range(1, 3)
        for p in paras[i:i + n]:
            lines += [p, '']
        i += n
    if rng.chance(300):
        contact = f'Contact {org}:'
        lines += [contact, '', f'{people[0]} – {rng.pick(ROLES)}', '']
        note_words(contact)
    lines += ['', '']
    out.append('\n'.join(lines))

MIN_FILE, MAX_FILE = 20_000, 100_000
pending = None
written = 0
files = 0
sizes_min, sizes_max = 10**12, 0
while written < TOTAL:
    files += 1
    target = min(rng.range(MIN_FILE, MAX_FILE), TOTAL - written)
    if TOTAL - written - target < MIN_FILE:     # don't leave a tiny last file
        target = TOTAL - written
    site = organisation(rng)
    header = [f'{site} {rng.pick(NEWS_NAME)}', '', rng.pick(TAGLINES), '',
              f'Issue {rng.range(1, 60)}, {rng.pick(MONTHS)} {rng.range(2005, 2023)}', '', '']
    note_words(' '.join(header))
    head = '\n'.join(header[:4]) + '\n\n'
    parts = [head, head, '\n'.join(header[4:]) + '\n']
    size = sum(len(x.encode('utf-8')) for x in parts)
    while size < target:
        if pending is None:
            sec = []
            interview(rng, sec)
            pending = sec[0]
        n = len(pending.encode('utf-8'))
        last = target == TOTAL - written
        if not last and size + n > MAX_FILE and size >= MIN_FILE and size + n > target:
            break                                   # keep it for the next file
        parts.append(pending)
        pending = None
        size += n
    data = ''.join(parts).rstrip('\n') + '\n'
    b = data.encode('utf-8')
    with open(os.path.join(out_dir, f'news-{files:05d}.txt'), 'wb') as fh:
        fh.write(b)
    written += len(b)
    sizes_min = min(sizes_min, len(b)); sizes_max = max(sizes_max, len(b))

summary = (f'files: {files}\n'
           f'bytes: {written}\n'
           f'file size range: {sizes_min}..{sizes_max} bytes\n'
           f'distinct lowercase words: {len(words_seen)}\n'
           f'prose pool: {len(docs)} source documents, {n_paras} paragraphs, {pool_bytes} bytes, '
           f'{len(questions)} real questions\n'
           f'passes over the pool: {passes_used}\n')
with open(os.path.join(out_dir, '.make_corpus.stamp'), 'w') as fh:
    fh.write(stamp_text + '\n' + summary)
sys.stdout.write(summary)
PYEOF

rm -rf "$OUT"
mv "$TMP" "$OUT"
trap - EXIT
echo "make_corpus: wrote $OUT ($STAMP_TEXT)"
