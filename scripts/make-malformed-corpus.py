#!/usr/bin/env python3
"""Makes the committed malformed-input corpus (tests/malformed/) from the fuzz seeds.

Deterministic: the same seeds give the same files. Run from the repository root:

    python3 scripts/make-malformed-corpus.py

Register inputs (tests/malformed/register/): workbooks whose package is valid zip but whose
XML parts are mutated (so the reader gets past the zip layer and meets the bad content), raw
byte damage of workbooks, and broken CSV text. Profile inputs (tests/malformed/profile/):
mutated county YAML, including alias bombs, deep nesting, wrong types and bad encodings.
tests/malformed.rs runs `check` / the profile loader over every file.
"""
import io
import os
import random
import re
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "fuzz", "seeds")
OUT = os.path.join(ROOT, "tests", "malformed")

XML_MUTATIONS = []


def mutation(f):
    XML_MUTATIONS.append(f)
    return f


@mutation
def cell_refs_far_or_broken(rng, xml):
    refs = ["XFD1048576", "A0", "ZZZZ9", "A99999999", "", "1A", "AAAAAAAAAA1", "A-1"]
    return re.sub(r' r="[A-Z]+\d+"', lambda m: f' r="{rng.choice(refs)}"' if rng.random() < 0.2 else m.group(0), xml)


@mutation
def shared_string_index_out_of_range(rng, xml):
    return re.sub(r'(<c [^>]*t="s"[^>]*><v>)(\d+)(</v>)',
                  lambda m: m.group(1) + rng.choice(["99999", "-1", "4294967296", "x", ""]) + m.group(3)
                  if rng.random() < 0.3 else m.group(0), xml)


@mutation
def numbers_extreme(rng, xml):
    values = ["60", "-1", "1e308", "-1e308", "NaN", "inf", "2958466", "0.0000001", "99999999999999999999", ""]
    return re.sub(r"<v>([0-9.]+)</v>", lambda m: f"<v>{rng.choice(values)}</v>" if rng.random() < 0.3 else m.group(0), xml)


@mutation
def element_cut(rng, xml):
    if len(xml) < 10:
        return xml
    a = rng.randrange(len(xml))
    b = min(len(xml), a + rng.randrange(1, 400))
    return xml[:a] + xml[b:]


@mutation
def truncated_xml(rng, xml):
    return xml[: rng.randrange(len(xml) + 1)]


@mutation
def control_and_odd_characters(rng, xml):
    odd = ["&#1;", "&#x0;", "\u202e", "\ufeff", "\U0002A6A5", "&#xD800;", "=cmd|' /C calc'!A0", "\t=1+1", "&amp;&lt;", "&bogus;"]
    return re.sub(r"<t([^>]*)>([^<]*)</t>", lambda m: f"<t{m.group(1)}>{m.group(2)}{rng.choice(odd)}</t>" if rng.random() < 0.3 else m.group(0), xml)


@mutation
def huge_dimension_and_spans(rng, xml):
    xml = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml)
    return re.sub(r'spans="[^"]*"', 'spans="1:16384"', xml)


@mutation
def types_swapped(rng, xml):
    types = ['t="s"', 't="str"', 't="n"', 't="b"', 't="e"', 't="d"', 't="inlineStr"', 't="bogus"']
    return re.sub(r't="[a-zA-Z]+"', lambda m: rng.choice(types) if rng.random() < 0.3 else m.group(0), xml)


@mutation
def deep_nesting(rng, xml):
    depth = rng.choice([100, 1000, 20000])
    pos = xml.find("<sheetData>")
    if pos < 0:
        pos = len(xml) // 2
    return xml[:pos] + "<x>" * depth + "</x>" * depth + xml[pos:]


@mutation
def rows_duplicated_and_reordered(rng, xml):
    rows = re.findall(r"<row [^>]*>.*?</row>", xml, flags=re.S)
    if len(rows) < 2:
        return xml
    body = rows[:]
    rng.shuffle(body)
    body += rng.sample(rows, min(3, len(rows)))
    start = xml.find(rows[0])
    end = xml.rfind(rows[-1]) + len(rows[-1])
    return xml[:start] + "".join(body) + xml[end:]


@mutation
def header_words_garbled(rng, xml):
    words = ["编号", "姓名", "公民身份号码", "报到时间", "村(社区)", "措施类型", "状态", "决定日期", "期限(月)"]
    for w in words:
        if w in xml and rng.random() < 0.4:
            xml = xml.replace(w, rng.choice([w + w, w[:1], "", w + "\u0000", w.upper() + " "]), 1)
    return xml


def mutate_workbook(rng, data, n_mutations):
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    xml_parts = [n for n in names if n.endswith(".xml") or n.endswith(".rels")]
    out = io.BytesIO()
    dropped = rng.choice(names) if rng.random() < 0.1 else None
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        targets = set(rng.sample(xml_parts, min(len(xml_parts), rng.randint(1, 2))))
        for name in names:
            if name == dropped:
                continue
            body = src.read(name)
            if name in targets:
                text = body.decode("utf-8", "replace")
                for _ in range(n_mutations):
                    text = rng.choice(XML_MUTATIONS)(rng, text)
                body = text.encode("utf-8", "surrogatepass")
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, body)
    return out.getvalue()


def damage_bytes(rng, data):
    data = bytearray(data)
    kind = rng.randrange(4)
    if kind == 0:
        return bytes(data[: rng.randrange(len(data))])
    if kind == 1:
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if kind == 2:
        a = rng.randrange(len(data))
        return bytes(data[:a] + data[a:a + rng.randint(1, 2000)] * 3 + data[a:])
    return bytes(data[:30]) + os.urandom(0)[:0] + bytes(rng.randrange(256) for _ in range(200))


def mutate_csv(rng, text):
    lines = text.splitlines()
    ops = [
        lambda ls: ls[: rng.randrange(1, len(ls) + 1)],
        lambda ls: [l + ',"unclosed' if rng.random() < 0.2 else l for l in ls],
        lambda ls: [l.replace(",", rng.choice([";", "\t", "|", ",,"])) for l in ls],
        lambda ls: [l + "," * rng.randint(1, 50) for l in ls],
        lambda ls: ls + [",".join(["=HYPERLINK(\"http://x\",\"y\")", "@cmd|'/Ccalc'!A0", "\t=1+1", "+1", "-2"])],
        lambda ls: [l.replace("2025", rng.choice(["2025.13.01", "0000", "1900-02-29", "９９９９", "2101"])) for l in ls],
        lambda ls: [ls[0]] * rng.randint(2, 5) + ls[1:],
        lambda ls: ls + ["x" * rng.choice([1000, 100000])],
        lambda ls: [l + "\x00\x01\x1b" if rng.random() < 0.3 else l for l in ls],
    ]
    for _ in range(rng.randint(1, 3)):
        if not lines:
            break
        lines = rng.choice(ops)(lines)
    sep = rng.choice(["\n", "\r\n", "\r"])
    body = sep.join(lines)
    enc = rng.choice(["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1-bytes"])
    if enc == "latin-1-bytes":
        raw = body.encode("utf-8")
        return bytes(b ^ 0x80 if rng.random() < 0.05 else b for b in raw)
    return body.encode(enc, "replace")


YAML_BOMBS = [
    "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
    "extends: " + "[" * 5000 + "]" * 5000 + "\n",
    "report_in:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(200)),
    "extends: standard\nextends: national\n",
    "extends: /dev/zero\n",
    "extends: ../../../../etc/passwd\n",
    "extends: county.yaml\n",
    "report_in:\n  statutory_days: 99999999999999999999999\n",
    "report_in:\n  statutory_days: -15\n",
    "report_in:\n  statutory_days: .nan\n",
    "schedule:\n  - kind: test\n    every: 十二\n",
    "schedule: !!binary aGVsbG8=\n",
    "? [a, b]\n: c\n",
    "\t\tbad: tab\n",
    "office:\n  prefix: \"=cmd|calc\"\n",
    "%YAML 9.9\n---\na: 1\n",
    "---\na: 1\n---\nb: 2\n",
]


def mutate_yaml(rng, text):
    lines = text.splitlines()
    ops = [
        lambda ls: ls[: rng.randrange(1, len(ls) + 1)],
        lambda ls: [l.replace(": ", ": " + rng.choice(["-1 ", "1e400 ", "\"\" ", "[] ", "{} ", "~ ", "*x ", "&x ", "十二 "]), 1) if rng.random() < 0.2 else l for l in ls],
        lambda ls: [(" " * rng.randint(0, 5)) + l if rng.random() < 0.2 else l for l in ls],
        lambda ls: [l.replace("  ", "\t", 1) if rng.random() < 0.1 else l for l in ls],
        lambda ls: ls + [rng.choice(["surprise_test: 1", "schedule: 3", "fonts: {title: [x]}", "serious_breach: {tests: {count: 1}}"])],
        lambda ls: [l[::-1] if rng.random() < 0.05 else l for l in ls],
    ]
    for _ in range(rng.randint(1, 3)):
        if not lines:
            break
        lines = rng.choice(ops)(lines)
    return "\n".join(lines).encode("utf-8")


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main():
    rng = random.Random(20261202)
    reg_seeds = sorted(os.listdir(os.path.join(SEEDS, "register")))
    prof_seeds = sorted(os.listdir(os.path.join(SEEDS, "profile")))
    for old in ("register", "profile"):
        d = os.path.join(OUT, old)
        if os.path.isdir(d):
            for f in os.listdir(d):
                os.remove(os.path.join(d, f))
    n = 0
    for seed in reg_seeds:
        data = open(os.path.join(SEEDS, "register", seed), "rb").read()
        stem, ext = os.path.splitext(seed)
        is_zip = data[:2] == b"PK"
        count = 90 if is_zip else 50
        for i in range(count):
            if is_zip and i % 6 != 5:
                out = mutate_workbook(rng, data, rng.randint(1, 3))
            elif is_zip:
                out = damage_bytes(rng, data)
            else:
                out = mutate_csv(rng, data.decode("utf-8-sig"))
            write(os.path.join(OUT, "register", f"{stem}-{i:03}{ext}"), out)
            n += 1
    for seed in prof_seeds:
        text = open(os.path.join(SEEDS, "profile", seed), encoding="utf-8").read()
        stem, _ = os.path.splitext(seed)
        for i in range(40):
            write(os.path.join(OUT, "profile", f"{stem}-{i:03}.yaml"), mutate_yaml(rng, text))
            n += 1
    for i, bomb in enumerate(YAML_BOMBS):
        write(os.path.join(OUT, "profile", f"hand-{i:03}.yaml"), bomb.encode("utf-8"))
        n += 1
    print(f"{n} files in {OUT}")


if __name__ == "__main__":
    main()
