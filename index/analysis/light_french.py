"""Savoy's light French stemmer, ported from Lucene's FrenchLightStemmer (Elasticsearch's `light_french`)."""

from __future__ import annotations

# Accented vowels Savoy's norm() step maps to plain ones (FrenchLightStemmer.norm).
_LIGHT_NORM = str.maketrans("àáâôèéêùûîç", "aaaoeeeuuic")


def _ends(chars: list[str], n: int, suffix: str) -> bool:
    k = len(suffix)
    return n >= k and "".join(chars[n - k:n]) == suffix


def _light_norm(s: list[str], n: int) -> str:
    if n > 4:
        s[:n] = "".join(s[:n]).translate(_LIGHT_NORM)
        ch = s[0]
        i = 1
        while i < n:  # squeeze doubled letters ("anneau" -> "aneau"), never digits
            if s[i] == ch and ch.isalpha():
                del s[i]
                n -= 1
            else:
                ch = s[i]
                i += 1
    if n > 4 and _ends(s, n, "ie"):
        n -= 2
    if n > 4:
        if s[n - 1] == "r":
            n -= 1
        if s[n - 1] == "e":
            n -= 1
        if s[n - 1] == "e":
            n -= 1
        if s[n - 1] == s[n - 2] and s[n - 1].isalpha():
            n -= 1
    return "".join(s[:n])


def light_french_stem(word: str) -> str:
    """Savoy's light French stemmer ("UniNE"), as Lucene's FrenchLightStemmer and Elasticsearch's `light_french`.

    Ported rule by rule from Lucene's FrenchLightStemmer.java (Apache-2.0, itself based
    on J. Savoy's code, "Light Stemming Approaches for the French, Portuguese, German and
    Hungarian Languages", ACM SAC 2006): plural and feminine endings, a few derivational
    suffixes (-ement, -ateur, -ation...), then accents and doubled letters normalised.
    Expects a lower-cased word.
    """
    s = list(word)
    n = len(s)
    if n > 5 and s[n - 1] == "x":
        if s[n - 3] == "a" and s[n - 2] == "u" and s[n - 4] != "e":
            s[n - 2] = "l"  # chevaux -> cheval
        n -= 1
    if n > 3 and s[n - 1] == "x":
        n -= 1
    if n > 3 and s[n - 1] == "s":
        n -= 1
    if n > 9 and _ends(s, n, "issement"):
        n -= 6
        s[n - 1] = "r"
        return _light_norm(s, n)
    if n > 8 and _ends(s, n, "issant"):
        n -= 4
        s[n - 1] = "r"
        return _light_norm(s, n)
    if n > 6 and _ends(s, n, "ement"):
        n -= 4
        if n > 3 and _ends(s, n, "ive"):
            n -= 1
            s[n - 1] = "f"
        return _light_norm(s, n)
    if n > 11 and _ends(s, n, "ficatrice"):
        n -= 5
        s[n - 2], s[n - 1] = "e", "r"
        return _light_norm(s, n)
    if n > 10 and _ends(s, n, "ficateur"):
        n -= 4
        s[n - 2], s[n - 1] = "e", "r"
        return _light_norm(s, n)
    if n > 9 and _ends(s, n, "catrice"):
        n -= 3
        s[n - 4], s[n - 3], s[n - 2] = "q", "u", "e"
        return _light_norm(s, n)
    if n > 8 and _ends(s, n, "cateur"):
        n -= 2
        s[n - 4], s[n - 3], s[n - 2], s[n - 1] = "q", "u", "e", "r"
        return _light_norm(s, n)
    if n > 8 and _ends(s, n, "atrice"):
        n -= 4
        s[n - 2], s[n - 1] = "e", "r"
        return _light_norm(s, n)
    if n > 7 and _ends(s, n, "ateur"):
        n -= 3
        s[n - 2], s[n - 1] = "e", "r"
        return _light_norm(s, n)
    if n > 6 and _ends(s, n, "trice"):
        n -= 1
        s[n - 3], s[n - 2], s[n - 1] = "e", "u", "r"  # no return: -teur below finishes it
    if n > 5 and _ends(s, n, "ième"):
        return _light_norm(s, n - 4)
    if n > 7 and _ends(s, n, "teuse"):
        n -= 2
        s[n - 1] = "r"
        return _light_norm(s, n)
    if n > 6 and _ends(s, n, "teur"):
        n -= 1
        s[n - 1] = "r"
        return _light_norm(s, n)
    if n > 5 and _ends(s, n, "euse"):
        return _light_norm(s, n - 2)
    if n > 8 and _ends(s, n, "ère"):
        n -= 1
        s[n - 2] = "e"
        return _light_norm(s, n)
    if n > 7 and _ends(s, n, "ive"):
        n -= 1
        s[n - 1] = "f"
        return _light_norm(s, n)
    if n > 4 and (_ends(s, n, "folle") or _ends(s, n, "molle")):
        n -= 2
        s[n - 1] = "u"
        return _light_norm(s, n)
    if n > 9 and _ends(s, n, "nnelle"):
        return _light_norm(s, n - 5)
    if n > 9 and _ends(s, n, "nnel"):
        return _light_norm(s, n - 3)
    if n > 4 and _ends(s, n, "ète"):
        n -= 1
        s[n - 2] = "e"
    if n > 8 and _ends(s, n, "ique"):
        n -= 4
    if n > 8 and _ends(s, n, "esse"):
        return _light_norm(s, n - 3)
    if n > 7 and _ends(s, n, "inage"):
        return _light_norm(s, n - 3)
    if n > 9 and _ends(s, n, "isation"):
        n -= 7
        if n > 5 and _ends(s, n, "ual"):
            s[n - 2] = "e"
        return _light_norm(s, n)
    if n > 9 and _ends(s, n, "isateur"):
        return _light_norm(s, n - 7)
    if n > 8 and _ends(s, n, "ation"):
        return _light_norm(s, n - 5)
    if n > 8 and _ends(s, n, "ition"):
        return _light_norm(s, n - 5)
    return _light_norm(s, n)
