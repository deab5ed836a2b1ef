#!/usr/bin/env python3
"""Reference token ids for Pare's WordPiece tokenizer, computed with Hugging Face `tokenizers`.

Uses only the `tokenizers` package (and the standard library). The tokenizer is the real
all-MiniLM-L6-v2 one (Apache-2.0), read from the four small files committed under
Tests/PareFormatsTests/Fixtures/all-MiniLM-L6-v2-tokenizer/ (copies of the model's
tokenizer.json, vocab.txt, tokenizer_config.json and sentence_bert_config.json).

Writes Tests/PareFormatsTests/Fixtures/token-ids.json: for every line of
assets/data/sentences.txt, then for every hard case below, the text, the ids and the tokens
(the tokens only help a reader; the test compares ids); then the hard cases again with the
normalizer switched to a few other settings (cased, accents kept, no cleaning). Truncation is
the model's intended limit, sentence_bert_config.json's max_seq_length (256), not the 128 in
tokenizer.json's truncation block; no padding.

With --unicode-tables it also writes Sources/PareFormats/BertUnicodeTables.swift: the
character classes BertNormalizer and BertPreTokenizer use (control, punctuation, nonspacing
mark, whitespace, characters NFD decomposes), measured code point by code point through
`tokenizers` itself. The Rust crates behind them (`unicode_categories`, an old
`unicode-normalization`) carry old Unicode tables, so Swift's own Unicode data disagrees on
about 660 code points assigned since; the measured tables make the Swift port agree with the
reference on every single code point.

Usage: .venv/bin/python scripts/reference_tokens.py [--unicode-tables]
"""

import argparse
import json
import os
import sys

import tokenizers
from tokenizers import Tokenizer
from tokenizers.normalizers import NFD, BertNormalizer
from tokenizers.pre_tokenizers import BertPreTokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOKENIZER_DIR = os.path.join(ROOT, "Tests/PareFormatsTests/Fixtures/all-MiniLM-L6-v2-tokenizer")
SENTENCES = os.path.join(ROOT, "assets/data/sentences.txt")
FIXTURE = os.path.join(ROOT, "Tests/PareFormatsTests/Fixtures/token-ids.json")
TABLES = os.path.join(ROOT, "Sources/PareFormats/BertUnicodeTables.swift")

LONG_SENTENCE = " ".join(
    ["The quick brown fox jumps over the lazy dog while the committee deliberates, "
     "again and again, about tokenization limits."] * 20)

# (name, text): each one exercises a rule of the normalizer, pre-tokenizer, WordPiece model,
# added-token matching or truncation.
HARD_CASES = [
    ("empty", ""),
    ("only whitespace", "   \t\n  \u3000 "),
    ("only punctuation", "!!!...???"),
    ("accents NFC", "Crème brûlée à la française, naïve café, résumé, Zürich, São Paulo, Ångström."),
    ("accents NFD input", "Cafe\u0301 and cafe\u0301s versus Café; nin\u0303o and niño."),
    ("stacked combining marks", "Z\u0351\u0352\u0353algo a\u0300\u0301\u0302\u0303 e\u20dd enclosing"),
    ("Vietnamese", "Tiếng Việt có dấu: Hà Nội, Đà Nẵng, người ở đây."),
    ("CJK ideographs", "我爱北京天安门 and 東京 in Japanese: 日本語のテキストです。"),
    ("CJK extension B and compatibility", "\U00020000\U00020001 ext-B, \uf900\ufa0b compatibility, \U0002f800 supplement"),
    ("CJK punctuation and kana", "「こんにちは」、世界。カタカナ・ひらがな〜"),
    ("Hangul", "한국어 텍스트입니다. 서울특별시"),
    ("emoji", "I love pizza 🍕🍕! 👍🏽 family: 👨‍👩‍👧 flag: 🇫🇷 heart: ❤️ tag-flag: 🏴󠁧󠁢󠁳󠁣󠁴󠁿"),
    ("emoji inside a word", "abc\U0001F600def and hello☃world"),
    ("punctuation runs", "Wait...what?!?! --- (yes) [no] {maybe} <tag> @user #hashtag $100 50% a&b a*b "
                         "~tilde `tick` |pipe| \\backslash^caret_underscore \"quoted\" 'single'"),
    ("unicode punctuation", "“Curly” ‘quotes’ — em-dash – en-dash … ellipsis «guillemets» ¡hola! ¿qué? "
                            "§1 ¶2 †‡ •bullet· ※ ‰ ′ ″"),
    ("apostrophes", "don't can't it's rock'n'roll O’Neill l'homme"),
    ("numbers", "In 2023, 1,234,567.89 people paid $3.50 (≈€3.20) at 10:45pm on 12/31; "
                "π≈3.14159, 1e-9, 0x1F, -42, +7, ½, ², ③, ٣, ४"),
    ("urls and emails", "https://example.com/path?q=1&r=2#frag and user.name+tag@example.org"),
    ("math symbols", "x² + y² = z², ∑ ∫ √2 ≠ ∞, ±5°C, a→b, ∀x∃y"),
    ("control characters", "tab\there\nnewline\rcarriage\x0bvertical\x0cformfeed\x00nul\x07bell"
                           "\x1bescape\x7fdel\x85nel\x9fapc"),
    ("zero-width and format characters", "zero\u200bwidth non\u200cjoiner joi\u200dner word\u2060joiner"
                                         " \ufeffbom soft\u00adhyphen rtl\u200fmark \u202aembed\u202c"),
    ("unicode whitespace", "non\u00a0breaking\u2003em\u3000ideographic\u2028line\u2029para"
                           "\u1680ogham\u202fnarrow\u205fmath\u2009thin"),
    ("replacement and private use", "bad\ufffdchar private\ue000use \U000f0000plane15 \U00100000plane16"),
    ("unassigned code points", "unassigned\u0378here and \U000e0080tag"),
    ("Greek final sigma", "ΟΔΥΣΣΕΥΣ Σίσυφος ΣΑΣ ὈΔΥΣΣΕΎΣ ς σ Σ"),
    ("Turkish dotted I", "İstanbul'da IĞDIR ılık ŞİŞLİ İ i̇"),
    ("German sharp s", "Straße STRASSE ẞ groß"),
    ("title case and special casing", "ǅemal ǈubljana ǋ ŉ ΐ ﬀ Ǆ"),
    ("full-width forms", "Ｆｕｌｌ－ｗｉｄｔｈ　ＡＢＣ　１２３！？（ｘ）"),
    ("compatibility characters", "ﬁnance ﬀ ½ ² ℌ Ⅻ ㎏ ™ K Ω Å ℃ ㈱"),
    ("Cherokee", "ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ"),
    ("mixed scripts", "Hello Привет Γειά σου مرحبا שלום नमस्ते สวัสดี こんにちは 你好 ሰላም ಕನ್ನಡ"),
    ("Arabic with harakat", "مَرْحَبًا بِكُمْ and Hebrew with niqqud: שָׁלוֹם"),
    ("Indic vowel signs", "हिन्दी தமிழ் ಕನ್ನಡ বাংলা"),
    ("newer Unicode: reference tables", "a\u061db \u166d chi rho \u1734 hanunoo \U000111c9 sharada "
                                        "\U0001171e ahom \u0890 pound \u2e5d hyphen \U0001e4ef nag"),
    ("special tokens in text", "hello [SEP] world [MASK] and [CLS][PAD]x [UNK] [cls] [ SEP ] [SEP[SEP]]"),
    ("word of 100 characters", "x" * 100),
    ("word of 101 characters", "x" * 101),
    ("word of 101 characters after accent stripping", "e" * 50 + "é" * 51),
    ("100 characters of pairs then one", "ab" * 50 + "c"),
    ("overlong word among others", "short " + "supercalifragilisticexpialidocious" * 4 + " words"),
    ("many short words", " ".join(["ok"] * 300)),
    ("longer than the limit", LONG_SENTENCE),
    ("long then special token past the limit", LONG_SENTENCE + " [SEP] tail"),
    ("multiline", "line one\nline two\r\nline three\n\n\nend"),
    ("leading and trailing whitespace", "   padded sentence with trailing spaces   \t"),
    ("hyphens and underscores", "state-of-the-art well_known snake_case_name ----- ____"),
    ("repeated characters", "soooooooo goooood!!!!!! hmmmmmmmmmmmmmm"),
]


# The hard cases again under other BertNormalizer options (the fixture model is uncased): cased
# models keep accents, and lowercasing without accent stripping shows "İ" -> "i" + U+0307.
NORMALIZER_VARIANTS = [
    ("cased", dict(clean_text=True, handle_chinese_chars=True, strip_accents=None, lowercase=False)),
    ("lowercase, accents kept", dict(clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=True)),
    ("no cleaning, no CJK spacing", dict(clean_text=False, handle_chinese_chars=False, strip_accents=None, lowercase=True)),
]


def load_tokenizer(max_length):
    tok = Tokenizer.from_file(os.path.join(TOKENIZER_DIR, "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length)
    return tok


def write_fixture():
    with open(os.path.join(TOKENIZER_DIR, "sentence_bert_config.json"), encoding="utf-8") as f:
        max_length = json.load(f)["max_seq_length"]
    tok = load_tokenizer(max_length)
    with open(SENTENCES, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()

    def entry(text, name=None, tok=tok):
        enc = tok.encode(text)
        e = {"text": text, "ids": enc.ids, "tokens": enc.tokens}
        if name is not None:
            e = {"name": name, **e}
        return e

    fixture = {
        "source": "scripts/reference_tokens.py",
        "tokenizers_version": tokenizers.__version__,
        "tokenizer": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0)",
        "max_length": max_length,
        "sentences": [entry(line) for line in lines],
        "hard_cases": [entry(text, name) for name, text in HARD_CASES],
        "normalizer_variants": [],
    }
    for variant, options in NORMALIZER_VARIANTS:
        other = load_tokenizer(max_length)
        other.normalizer = BertNormalizer(**options)
        fixture["normalizer_variants"].append({
            "name": variant,
            "options": options,
            "hard_cases": [entry(text, name, other) for name, text in HARD_CASES],
        })
    with open(FIXTURE, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=True, indent=None, separators=(",", ":"))
        f.write("\n")
    longest = max(len(e["ids"]) for e in fixture["sentences"])
    print(f"wrote {FIXTURE}: {len(lines)} sentences (longest {longest} ids), {len(HARD_CASES)} hard cases, "
          f"again under {len(NORMALIZER_VARIANTS)} other normalizer settings")


def ranges(code_points):
    out = []
    for cp in code_points:
        if out and out[-1][1] == cp - 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


def write_tables():
    """Measures each character class on every code point through `tokenizers` itself."""
    clean = BertNormalizer(clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False)
    strip = BertNormalizer(clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False)
    nfd = NFD()
    pre = BertPreTokenizer()
    removed, marks, punctuation, whitespace, composites = [], [], [], [], []
    for cp in range(0x80, 0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        if clean.normalize_str(c) == "":
            removed.append(cp)
        # NFD then drop Mn: empty output means every scalar of NFD(c) is Mn. Only scalars NFD
        # leaves alone are ever looked up, and for those this is exactly "is Mn".
        if strip.normalize_str(c) == "":
            marks.append(cp)
        if nfd.normalize_str(c) != c:
            composites.append(cp)
        pieces = [s for s, _ in pre.pre_tokenize_str("a" + c + "b")]
        if pieces == ["a", "b"]:
            whitespace.append(cp)
        elif pieces == ["a", c, "b"]:
            punctuation.append(cp)
        elif pieces != ["a" + c + "b"]:
            sys.exit(f"unexpected pre-tokenization of U+{cp:04X}: {pieces!r}")

    def table(name, doc, cps):
        rs = ranges(cps)
        body = ",\n".join(
            "    " + ", ".join(f"0x{a:X}, 0x{b:X}" for a, b in rs[i:i + 4]) for i in range(0, len(rs), 4))
        return (f"  /// {doc}\n  /// {len(rs)} ranges, {len(cps)} code points; flat [first, last, first, last, ...].\n"
                f"  static let {name}: [UInt32] = [\n{body},\n  ]\n")

    text = (
        "// Generated by scripts/reference_tokens.py --unicode-tables from Hugging Face tokenizers "
        f"{tokenizers.__version__}.\n// Do not edit by hand.\n\n"
        "/// The non-ASCII character classes of `tokenizers`' BertNormalizer and BertPreTokenizer, measured\n"
        "/// code point by code point through the library itself. Its Rust crate `unicode_categories` has\n"
        "/// old Unicode tables, so Swift's own (newer) Unicode data disagrees on about 660 code points;\n"
        "/// these tables make the port agree with the reference everywhere. ASCII is handled in code.\n"
        "enum BertUnicodeTables {\n"
        + table("removedByCleaning",
                "Removed by `clean_text`: U+FFFD and `is_control` (the crate's Cc, Cf and Co; not Cn).",
                removed)
        + "\n"
        + table("nonspacingMarks", "Category Mn in the crate's tables: dropped by accent stripping after NFD.", marks)
        + "\n"
        + table("punctuation", "Category P* in the crate's tables: BertPreTokenizer isolates each one.",
                punctuation)
        + "\n"
        + table("canonicalComposites",
                "Changed by the reference's NFD (its decomposition tables predate some of Swift's).",
                composites)
        + "\n"
        + table("whitespace", "Rust's `char::is_whitespace` (White_Space): mapped to a space, split on.",
                whitespace)
        + "}\n")
    with open(TABLES, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote {TABLES}: {len(ranges(removed))} + {len(ranges(marks))} + {len(ranges(punctuation))} "
          f"+ {len(ranges(composites))} + {len(ranges(whitespace))} ranges")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--unicode-tables", action="store_true",
                        help="also regenerate Sources/PareFormats/BertUnicodeTables.swift (about a minute)")
    args = parser.parse_args()
    write_fixture()
    if args.unicode_tables:
        write_tables()


if __name__ == "__main__":
    main()
