"""Children's private information in Vietnamese text (Decree 56/2017 Art. 33): find it, tie it to persons,
decide who is a child, suggest a redaction. Framework-free.

`analyse(text, date)` returns {"persons", "findings", "redacted"} as `copvn pii` prints it. Offsets are into
the text as given (or into the article text extracted from HTML).

How it reads text: the patterns run on a *folded* copy — diacritics removed, case kept, đ→d — so "lớp 7",
"lop 7" and "LỚP 7" are one pattern; every folded character points back to its source character, so text
in decomposed Unicode (NFD) keeps exact offsets. Where the folded form is ambiguous ("phó"/"phố",
"quán"/"quận", "Dương"/"đường"), the word as written decides; in text written without diacritics the
folded form is accepted. Administrative units are checked against a gazetteer of units before and after the
July 2025 reorganisation (data/admin_units.tsv), so "tỉnh Trần Hòa Nam" is a person and "xã Cam Hải Tây"
a place. Names rely on capital letters, a family name, a title ("em", "bé", "cháu", "ông"…) or initials;
a lower-case name is taken after a title when its words are Vietnamese name syllables.

The parts: `folding` (the folded text and `key`), `patterns` (word lists and regular expressions),
`model` (findings, persons, the text as read), `places` (the gazetteer of administrative units, and
addresses), `persons` (name mentions, persons, the child decision), `redaction`, `analysis` (`find`,
`analyse`) and `evaluation`. The data files are in copvn/detect/data/.
"""

from .analysis import analyse, article_text, find
from .evaluation import evaluate
from .folding import fold, key
from .model import Finding, Person
from .persons import accented_syllables, name_syllables
from .places import DATA, gazetteer
from .redaction import initials, redact

__all__ = ["DATA", "Finding", "Person", "accented_syllables", "analyse", "article_text", "evaluate", "find",
           "fold", "gazetteer", "initials", "key", "name_syllables", "redact"]
