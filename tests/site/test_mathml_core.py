"""docs/assets/dscalc/mathml_core.js, the one function every formula passes through (build and
browser), checked against Unicode's own character data (Python's unicodedata), not against a
table of ours."""

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "hooks"))
import typeset  # noqa: E402  (the build's own renderer: tools/katex_render.mjs behind hooks/typeset.py)
MATHML_CORE = ROOT / "docs" / "assets" / "dscalc" / "mathml_core.js"

#: KaTeX's mathvariant values, and the words Unicode names each alphabet's letters with.
VARIANT_WORDS = {
    "bold": "BOLD", "italic": "ITALIC", "bold-italic": "BOLD ITALIC", "script": "SCRIPT",
    "bold-script": "BOLD SCRIPT", "fraktur": "FRAKTUR", "double-struck": "DOUBLE-STRUCK",
    "bold-fraktur": "BOLD FRAKTUR", "sans-serif": "SANS-SERIF", "bold-sans-serif": "SANS-SERIF BOLD",
    "sans-serif-italic": "SANS-SERIF ITALIC", "sans-serif-bold-italic": "SANS-SERIF BOLD ITALIC",
    "monospace": "MONOSPACE",
}
#: Letters Unicode encoded before its mathematical alphabets, under their older names.
EARLIER_NAMES = {"FRAKTUR": "BLACK-LETTER", "ITALIC": "PLANCK CONSTANT"}
LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)] + [chr(c) for c in range(ord("a"), ord("z") + 1)]
DIGITS = [str(d) for d in range(10)]
DIGIT_NAMES = ["ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE"]


def node(script: str, payload):
    done = subprocess.run(["node", "-e", script], input=json.dumps(payload), capture_output=True, text=True,
                          encoding="utf-8", check=True, cwd=ROOT)
    return json.loads(done.stdout)


STYLE_ALL = """
const { styledCharacter } = require(%s);
const asked = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(asked.map(([ch, variant]) => styledCharacter(ch, variant))));
""" % json.dumps(str(MATHML_CORE))

TO_CORE = """
const { toMathCore } = require(%s);
const asked = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(asked.map(toMathCore)));
""" % json.dumps(str(MATHML_CORE))


def expected_name(ch: str, words: str) -> str:
    if ch.isdigit():
        return f"MATHEMATICAL {words} DIGIT {DIGIT_NAMES[int(ch)]}"
    return f"MATHEMATICAL {words} {'CAPITAL' if ch.isupper() else 'SMALL'} {ch.upper()}"


def test_every_letter_and_digit_becomes_the_character_unicode_names_for_its_alphabet():
    asked = [(ch, variant) for variant in VARIANT_WORDS for ch in LETTERS + DIGITS]
    answers = node(STYLE_ALL, asked)
    styled = 0
    for (ch, variant), got in zip(asked, answers):
        words = VARIANT_WORDS[variant]
        name = expected_name(ch, words)
        try:
            unicodedata.lookup(name)
            exists = True
        except KeyError:
            exists = False
        if got is None:
            # Only where Unicode has no such character: digits of most alphabets.
            assert ch.isdigit() and not exists, (ch, variant)
            continue
        styled += 1
        assert unicodedata.normalize("NFKC", got) == ch, (ch, variant, got)
        if exists:
            assert unicodedata.name(got) == name, (ch, variant, unicodedata.name(got))
        else:
            # A hole in the block: the letter Unicode encoded earlier, in Letterlike Symbols.
            assert "\u2100" <= got <= "\u214f", (ch, variant, got)
            older = EARLIER_NAMES.get(words, words)
            assert older in unicodedata.name(got), (ch, variant, unicodedata.name(got))
    assert styled == len(VARIANT_WORDS) * 52 + 5 * 10


def test_tokens_keep_their_letters_in_mathml_core_and_drop_the_tex_annotation():
    katex_like = [
        '<math><semantics><mrow><msup><mi mathvariant="double-struck">R</mi><mi>d</mi></msup></mrow>'
        '<annotation encoding="application/x-tex">\\mathbb{R}^d</annotation></semantics></math>',
        '<math><mrow><mn mathvariant="monospace">0</mn><mi mathvariant="monospace">x1D</mi></mrow></math>',
        '<math><mi mathvariant="normal">Δ</mi><mi mathvariant="script">α</mi><mtext mathvariant="bold">a b</mtext></math>',
        '<math><mi mathvariant="normal">d</mi><mi>x</mi></math>',
    ]
    assert node(TO_CORE, katex_like) == [
        "<math><mrow><msup><mi>ℝ</mi><mi>d</mi></msup></mrow></math>",
        "<math><mrow><mn>𝟶</mn><mi>𝚡𝟷𝙳</mi></mrow></math>",
        # "normal" is MathML Core's own; a Greek script letter or a space has no Unicode form: kept.
        '<math><mi mathvariant="normal">Δ</mi><mi mathvariant="script">α</mi><mtext mathvariant="bold">a b</mtext></math>',
        # An upright d (as in dx) keeps the attribute that keeps it upright.
        '<math><mi mathvariant="normal">d</mi><mi>x</mi></math>',
    ]


@pytest.mark.parametrize("tex, letters", [
    (r"h_t \in \mathbb{R}^{d}", "ℝ"),
    (r"\mathcal{L}_{\text{Bal}} = \alpha \sum_i f_i P_i, \quad \mathbb{1}\!\left(i \in \mathcal{T}_t\right)", "ℒ𝟙𝒯"),
    (r"J = \mathbb{E}\left[\frac{1}{G}\right]", "𝔼"),
    (r"\mathtt{0x1D}", "𝟶𝚡𝟷𝙳"),
])
def test_the_site_renderer_writes_the_letters_not_a_mathvariant(tex, letters):
    """tools/katex_render.mjs, as the build calls it (hooks/typeset.py)."""
    html = typeset.KATEX.render(tex, True)
    assert all(letter in html for letter in letters), html
    assert 'mathvariant="' not in html.replace('mathvariant="normal"', ""), html
    assert "<annotation" not in html and "<semantics>" not in html
