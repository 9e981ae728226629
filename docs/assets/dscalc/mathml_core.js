// KaTeX's MathML brought within MathML Core, the part of MathML that Chromium implements (Firefox
// and Safari implement it too). One function, used at build time by tools/katex_render.mjs and in
// the browser by dscalc.js after a recompute, so a formula reads the same either way.
//
// - mathvariant: MathML Core keeps only "normal". Chromium draws <mi mathvariant="double-struck">R</mi>
//   as an italic R, so ℝ^d reads as R^d and 𝔼[·] as E[·]. The Unicode Mathematical Alphanumeric
//   Symbols are the letters themselves (MathML Core's own advice), so the token gets them instead;
//   Chromium's italic single letters are drawn from the same block, so no font is asked for
//   anything it is not asked for already.
// - <semantics>/<annotation>: the TeX is in the formula's data-tex; screen readers read the MathML.
(function (root) {
  "use strict";

  // First code point of capital A, small a and digit zero in each alphabet (Unicode 3.1, U+1D400-).
  const ALPHABETS = {
    "bold": [0x1d400, 0x1d41a, 0x1d7ce],
    "italic": [0x1d434, 0x1d44e, null],
    "bold-italic": [0x1d468, 0x1d482, null],
    "script": [0x1d49c, 0x1d4b6, null],
    "bold-script": [0x1d4d0, 0x1d4ea, null],
    "fraktur": [0x1d504, 0x1d51e, null],
    "double-struck": [0x1d538, 0x1d552, 0x1d7d8],
    "bold-fraktur": [0x1d56c, 0x1d586, null],
    "sans-serif": [0x1d5a0, 0x1d5ba, 0x1d7e2],
    "bold-sans-serif": [0x1d5d4, 0x1d5ee, 0x1d7ec],
    "sans-serif-italic": [0x1d608, 0x1d622, null],
    "sans-serif-bold-italic": [0x1d63c, 0x1d656, null],
    "monospace": [0x1d670, 0x1d68a, 0x1d7f6],
  };

  // Letters encoded before 3.1 in Letterlike Symbols: their slots in the block above are empty.
  const ENCODED_EARLIER = {
    "italic": { h: 0x210e },
    "script": { B: 0x212c, E: 0x2130, F: 0x2131, H: 0x210b, I: 0x2110, L: 0x2112, M: 0x2133, R: 0x211b, e: 0x212f, g: 0x210a, o: 0x2134 },
    "fraktur": { C: 0x212d, H: 0x210c, I: 0x2111, R: 0x211c, Z: 0x2128 },
    "double-struck": { C: 0x2102, H: 0x210d, N: 0x2115, P: 0x2119, Q: 0x211a, R: 0x211d, Z: 0x2124 },
  };

  /** The character `ch` in `variant`'s alphabet, or null when Unicode has none (Greek, punctuation). */
  function styledCharacter(ch, variant) {
    const alphabet = ALPHABETS[variant];
    if (!alphabet) return null;
    const earlier = ENCODED_EARLIER[variant];
    if (earlier && earlier[ch]) return String.fromCodePoint(earlier[ch]);
    const [capital, small, digit] = alphabet;
    if (ch >= "A" && ch <= "Z") return String.fromCodePoint(capital + ch.charCodeAt(0) - 65);
    if (ch >= "a" && ch <= "z") return String.fromCodePoint(small + ch.charCodeAt(0) - 97);
    if (ch >= "0" && ch <= "9" && digit !== null) return String.fromCodePoint(digit + ch.charCodeAt(0) - 48);
    return null;
  }

  // A token whose text is plain characters (KaTeX escapes &, < and > as entities, kept as they are).
  const STYLED_TOKEN = /<(mi|mn|mo|mtext) mathvariant="([a-z-]+)">([^<&]*)<\/\1>/g;
  const ANNOTATION = /<\/?semantics>|<annotation encoding="application\/x-tex">[\s\S]*?<\/annotation>/g;

  /** KaTeX's MathML string as MathML Core draws it (see the head of this file). */
  function toMathCore(mathml) {
    return mathml.replace(ANNOTATION, "").replace(STYLED_TOKEN, (token, tag, variant, text) => {
      const styled = Array.from(text).map((ch) => styledCharacter(ch, variant));
      // "normal" (MathML Core's own) and Greek or punctuation have no styled form: kept as written.
      if (!text || styled.some((ch) => ch === null)) return token;
      // An <mi> of one letter is italic by default; a styled letter is already its own shape.
      return `<${tag}>${styled.join("")}</${tag}>`;
    });
  }

  const api = { toMathCore, styledCharacter };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.dscalcMathCore = api;
})(this);
