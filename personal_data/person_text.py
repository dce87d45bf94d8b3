"""Names and addresses people type: one check for everyone who gives them.

Committee members' declarations (on the manage page, the invitation's page and the API), supporters in
every form (e-mail, electronic signature, paper rows typed by the committee) all pass here, through the
services that take them, so a name is held to the same rules wherever it comes from.

What is refused, and why:
- characters of Unicode's categories Cc (control), Cf (format: the bidirectional controls such as U+202E
  RIGHT-TO-LEFT OVERRIDE, zero-width spaces and joiners, the soft hyphen), Co (private use), Cs (lone
  surrogates) and Cn (unassigned). None belongs in a name or an address, and the format controls make the
  same bytes read differently on a page, in the clerk's CSV and in the sealed packet: "Jan" followed by a
  right-to-left override shows the rest of the line reversed, and a zero-width space makes two spellings
  that look alike count as two people;
- a leading = + - @ (a clerk's spreadsheet would run the cell as a formula) and < > { } [ ] \\ ` | (markup
  of the pages and documents the text is printed in);
- for names: anything but letters, with spaces, hyphens, apostrophes and dots between parts.

The text kept is in Unicode's NFC form (a letter and its combining accent become the one precomposed
letter, as keyboards type it) with every run of white space, of any script, made one space.
"""

import re
import unicodedata

from django.utils.translation import gettext as _

NAME_MAX, ADDRESS_MAX = 100, 200
# A committee member declares the full name (first names and surname) in one field.
FULL_NAME_MAX = 2 * NAME_MAX
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})
# Letters of any alphabet, spaces, hyphens, apostrophes and dots: "Anna-Maria", "O'Neill", "J. Kowalski".
NAME = re.compile(r"^[^\W\d_]+(?:[ .'\u2019-]+[^\W\d_]+)*\.?$")
# Characters that start a formula when a clerk opens the CSV export in a spreadsheet.
FORMULA_PREFIXES = ("=", "+", "-", "@")
MARKUP = re.compile(r"[<>{}\[\]\\`|]")


def _clean(raw, *, maximum: int) -> tuple[str, str | None]:
    if not isinstance(raw, str):
        return "", _("Enter text.")
    if any(unicodedata.category(char) in REFUSED_CATEGORIES for char in raw):
        # Checked before anything is changed: white space that is also a control (a tab, a line break)
        # is not silently turned into a space either.
        return "", _(
            "Remove the invisible or control characters (for example marks of writing direction or "
            "zero-width spaces): they often come with text copied from elsewhere. Type the text again."
        )
    text = " ".join(unicodedata.normalize("NFC", raw).split())
    if not text:
        return "", _("This field is required.")
    if len(text) > maximum:
        return text, _("At most %(max)d characters.") % {"max": maximum}
    if text.startswith(FORMULA_PREFIXES) or MARKUP.search(text):
        return text, _("Remove the characters = + - @ at the start and < > { } [ ] \\ ` |.")
    return text, None


def person_name_clean(raw, *, maximum: int = NAME_MAX) -> tuple[str, str | None]:
    """(the name as kept, None) or (what was typed, the reason to refuse it, in the reader's language)."""
    text, problem = _clean(raw, maximum=maximum)
    if problem is None and not NAME.match(text):
        problem = _("Use letters only, with spaces, hyphens or apostrophes between parts.")
    return text, problem


def address_clean(raw, *, maximum: int = ADDRESS_MAX) -> tuple[str, str | None]:
    """(the address as kept, None) or (what was typed, the reason to refuse it)."""
    return _clean(raw, maximum=maximum)


# Letters NFKD does not take apart: "ł" is a letter of its own, not "l" with a mark.
_UNMARKED = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "đ": "d", "ß": "ss"})


def name_words(raw: str) -> list[str]:
    """A name as comparable words: case and diacritics folded, hyphens and apostrophes as spaces
    ("Źdźbło-Nowak" → ["zdzblo", "nowak"]). For matching a certificate's or a seal's name to a declared
    one, never for storing."""
    text = unicodedata.normalize("NFKD", str(raw or "").translate(_UNMARKED))
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return re.sub(r"[\s.'\u2019-]+", " ", text).split()


def same_person_named(declared: str, given_names: str, surname: str) -> bool:
    """Whether a certificate's given name(s) and surname name the person who declared `declared`: every
    word of the surname and the first given name appear in the declared name (a second given name may be
    left out on either side)."""
    words = set(name_words(declared))
    surname_words, given_words = name_words(surname), name_words(given_names)
    if not surname_words or not given_words:
        return False
    return set(surname_words) <= words and given_words[0] in words
