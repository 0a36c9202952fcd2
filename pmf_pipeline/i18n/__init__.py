"""Welsh and English: the languages a council publishes in, its fixed text, and figures laid out for the language.

- ``languages``: the language codes pmf knows (``en``, ``cy``) and ``in_language``, the Welsh form of a
  configuration text when there is one.
- ``catalogue``: the fixed text of packs, workbooks, findings and the command's summaries, through
  gettext message catalogues (``locale/cy/LC_MESSAGES/pmf.po``), loaded with Babel at run time, with
  a council's own corrections (``config/translations/cy.po``) over the package's.
- ``formatting``: dates, month names, numbers and percentages for the language (Babel's ``en_GB`` and ``cy``).

See docs/translation.md for putting a string through the catalogue, and docs/glossary.md for the terms.
"""

from pmf_pipeline.i18n.catalogue import UNCHECKED, translations
from pmf_pipeline.i18n.formatting import long_date, month_name, number, percent
from pmf_pipeline.i18n.languages import LANGUAGES, WELSH, in_language

__all__ = ["LANGUAGES", "UNCHECKED", "WELSH", "in_language", "long_date", "month_name", "number", "percent", "translations"]
