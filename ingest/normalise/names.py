"""Comparison forms of party names (companies and people).

Everything that knows about legal forms and scripts comes from rigour:
`rigour.text.normalize` (NFKC, casefold, tokenising that folds punctuation),
`rigour.names.org_types.replace_org_types_compare` (legal forms) and
`rigour.text.translit.ascii_text` (any script to Latin; Han becomes
syllable-separated pinyin: "深圳华信贸易有限公司" -> "shen zhen hua xin mao yi ...").
"""

from __future__ import annotations

from functools import lru_cache

from rigour.names.org_types import extract_org_types, replace_org_types_compare
from rigour.text.normalize import Normalize, normalize
from rigour.text.scripts import is_dense_script
from rigour.text.translit import ascii_text

__all__ = ["comparison_form", "legal_form_tokens", "name_tokens"]

# NFKC folds full-width letters and digits (common in Chinese documents: "ＡＢＣ")
# to ASCII; CASEFOLD is full Unicode casefolding; NAME tokenises on Unicode
# categories, which folds punctuation and collapses whitespace.
_FLAGS = Normalize.NFKC | Normalize.CASEFOLD | Normalize.NAME

# A name longer than this is not a name but a pasted paragraph; rigour caps its
# own name handling at the same length (rigour._core.MAX_NAME_LENGTH = 384), and
# transliterating megabytes of Han text would take seconds.
MAX_NAME_CHARS = 384

# Longest CJK legal form we look for as a suffix or prefix of an unspaced CJK
# token ("股份有限公司", "有限责任公司" are 6 characters; 8 leaves room).
_MAX_CJK_LEGAL_FORM = 8

# Tokens that say "company" and, directly before a legal form, add nothing:
# "Company Limited", "Co. Limited" and "Co., Ltd." are one legal form in Hong
# Kong and Chinese usage, but rigour only knows "co ltd" as a single form.
_COMPANY_WORDS = frozenset({"co", "company"})

# generic=True maps every limited-liability form (Ltd, Co Ltd, LLC, GmbH, SARL,
# 有限公司 ...) to "llc" and every joint-stock form (SA, AG, PLC, 股份有限公司 ...)
# to "jsc": spellings of one front company differ exactly there.
_GENERIC = True


def _is_cjk(token: str) -> bool:
    # Han and kana are written without spaces, so a legal form is glued to
    # the name before it and rigour's word-bounded table cannot see it.
    return not token.isascii() and is_dense_script(token)


def _is_legal_form(text: str) -> bool:
    return any(m == text for m, _ in extract_org_types(text, generic=_GENERIC))


def _split_cjk_legal_forms(token: str) -> list[str]:
    """Split "深圳华信贸易有限公司" into ["深圳华信贸易", "有限公司"] (and a
    leading "株式会社" likewise) so rigour's word-bounded legal-form table sees it."""
    if not _is_cjk(token) or len(token) < 2 or _is_legal_form(token):
        return [token]
    head: list[str] = []
    tail: list[str] = []
    longest = min(_MAX_CJK_LEGAL_FORM, len(token) - 1)
    for size in range(longest, 1, -1):
        if _is_legal_form(token[-size:]):
            tail, token = [token[-size:]], token[:-size]
            break
    longest = min(_MAX_CJK_LEGAL_FORM, len(token) - 1)
    for size in range(longest, 1, -1):
        if _is_legal_form(token[:size]):
            head, token = [token[:size]], token[size:]
            break
    return [*head, token, *tail]


def _drop_company_before_legal_form(tokens: list[str], legal: frozenset[str]) -> list[str]:
    out: list[str] = []
    for i, tok in enumerate(tokens):
        if tok in _COMPANY_WORDS and i + 1 < len(tokens) and tokens[i + 1] in legal:
            continue
        out.append(tok)
    return out


@lru_cache(maxsize=1)
def legal_form_tokens() -> frozenset[str]:
    """The canonical tokens comparison_form writes for legal forms."""
    samples = [
        "ltd", "limited", "co ltd", "llc", "gmbh", "inc", "corp", "sa", "ag", "plc", "jsc",
        "bv", "nv", "srl", "sarl", "spa", "pte ltd", "sdn bhd", "oy", "ab", "as", "kft",
        "sro", "ooo", "llp", "lp", "kg", "pty ltd", "有限公司", "股份有限公司", "株式会社",
    ]  # fmt: skip
    found = {t for s in samples for _, t in extract_org_types(s, generic=_GENERIC)}
    return frozenset(tok for t in found for tok in t.split())


# Legal forms in rigour's table that are also words of names: "yu" (宇, a pinyin
# syllable, and a Chinese surname) is read as LLC, so "昌宇物流" would become
# "chang llc wu liu". No register we read writes a legal form "yu". Other pinyin
# syllables in the table ("sa", "ao", "pao", "ca") are real legal forms elsewhere
# (S.A., АО, ПАО, C.A.) and stay; a Han name that transliterates to one of them
# loses that syllable to a legal-form token (a known gap, see the session notes).
# "in" (a Korean surname, 인) and "gug" (국, a syllable of Korean given names, as
# rigour romanises it) are read as LLC too.
_NOT_LEGAL_FORMS = frozenset({"yu", "in", "gug"})
_SHIELD = "zqx"


def _replace_legal_forms(text: str) -> str:
    tokens = [tok + _SHIELD if tok in _NOT_LEGAL_FORMS else tok for tok in text.split()]
    replaced = replace_org_types_compare(" ".join(tokens), generic=_GENERIC)
    return " ".join(tok.removesuffix(_SHIELD) for tok in replaced.split())


def _once(name: str) -> str:
    text = normalize(name[:MAX_NAME_CHARS], _FLAGS) or ""
    tokens = [part for tok in text.split(" ") for part in _split_cjk_legal_forms(tok)]
    text = _replace_legal_forms(" ".join(tokens))
    # Transliterate after the legal forms are replaced (rigour's table holds
    # them in their own scripts), then normalise again: transliteration can
    # yield capitals and punctuation, and a legal form spelt in Latin letters.
    text = normalize(ascii_text(text), _FLAGS) or ""
    text = _replace_legal_forms(text)
    tokens = _drop_company_before_legal_form(text.split(), legal_form_tokens())
    return " ".join(tokens)


@lru_cache(maxsize=65536)
def comparison_form(name: str) -> str:
    """The comparison form of a party name: legal forms replaced by one
    canonical token each, transliterated to ASCII, casefolded, punctuation
    folded, whitespace collapsed. Empty string for a name with no letters or
    digits. Deterministic and idempotent; never raises on a str."""
    out = _once(name)
    # Replacement and transliteration are each stable, but one can expose
    # work for the other; a couple of passes reach the fixed point.
    for _ in range(3):
        again = _once(out)
        if again == out:
            break
        out = again
    return out


def name_tokens(name: str, drop_legal_forms: bool = False) -> list[str]:
    """Tokens of the comparison form; without the legal-form tokens when asked
    (unless that would leave nothing: "Limited" alone stays ["llc"])."""
    tokens = comparison_form(name).split()
    if drop_legal_forms:
        legal = legal_form_tokens()
        kept = [t for t in tokens if t not in legal]
        if kept:
            return kept
    return tokens
