"""Quiz sets out to the tools classrooms use: Moodle GIFT, Moodle XML, QTI 2.1, Anki and CSV.

Each format says what it can. Where a format has no matching question type the export picks
the nearest one that grades the same way and says so here:

============  ======================  =========================  =====================================
type          GIFT                    Moodle XML                 QTI 2.1
============  ======================  =========================  =====================================
single        multiple choice         multichoice, single        choiceInteraction, match_correct
multiple      ``~%50%`` weights       multichoice, fractions     choiceInteraction, map_response
yes_no        one true/false each     one truefalse each         matchInteraction (statement > yes/no)
ordering      matching to 1, 2, 3     matching to 1, 2, 3        orderInteraction (all or nothing)
dropdown      one choice per blank    gapselect                  inlineChoiceInteraction per blank
numeric       ``{#key:tolerance}``    numerical                  textEntryInteraction, tolerance
============  ======================  =========================  =====================================

Multiple-answer weights follow :mod:`quizzes.grading`: each right option is worth
``1/len(key)``, each wrong one costs as much, never below zero. GIFT's ``yes_no`` and
``dropdown`` parts are titled ``<question id>/<part id>`` so they group back into one question.

Formats: GIFT https://docs.moodle.org/en/GIFT_format, Moodle XML
https://docs.moodle.org/en/Moodle_XML_format, QTI 2.1
https://www.imsglobal.org/question/qtiv2p1/imsqti_infov2p1.html, Anki text files
https://docs.ankiweb.net/importing/text-files.html.

``parse_gift`` and ``parse_anki`` read back what these functions write (and GIFT's common
subset), so tests can prove an export keeps every question and its key.

One module per format: gift, moodle, qti, anki (text notes), apkg (Anki packages through genanki, the ``anki``
extra), tables (CSV and JSON); common holds what they share."""

from quizzes.export.anki import ANKI_HEADERS, AnkiNote, anki_tag, parse_anki, parse_anki_notes, to_anki
from quizzes.export.apkg import to_apkg
from quizzes.export.common import (
    LINE_BREAKS,
    MAX_HEADER,
    PART,
    ExportError,
    Keyed,
    case_text,
    header_name,
    key_in_words,
    key_text,
    keyed,
    parse_response,
    plain_text,
    response_in_words,
    response_text,
    with_case,
)
from quizzes.export.gift import (
    GIFT_SPECIAL,
    GiftAnswer,
    GiftQuestion,
    gift_category,
    gift_escape,
    gift_unescape,
    parse_gift,
    parse_gift_questions,
    to_gift,
)
from quizzes.export.moodle import to_moodle_xml
from quizzes.export.qti import (
    CP_NS,
    CP_XSD,
    QTI_NS,
    QTI_XSD,
    RP_TEMPLATES,
    XSI_NS,
    qti_item,
    qti_manifest,
    qti_test,
    to_qti_zip,
)
from quizzes.export.tables import CSV_COLUMNS, choices_text, to_csv, to_json

__all__ = [
    "ANKI_HEADERS",
    "CP_NS",
    "CP_XSD",
    "CSV_COLUMNS",
    "GIFT_SPECIAL",
    "LINE_BREAKS",
    "MAX_HEADER",
    "PART",
    "QTI_NS",
    "QTI_XSD",
    "RP_TEMPLATES",
    "XSI_NS",
    "AnkiNote",
    "ExportError",
    "GiftAnswer",
    "GiftQuestion",
    "Keyed",
    "anki_tag",
    "case_text",
    "choices_text",
    "gift_category",
    "gift_escape",
    "gift_unescape",
    "header_name",
    "key_in_words",
    "key_text",
    "keyed",
    "parse_anki",
    "parse_anki_notes",
    "parse_gift",
    "parse_gift_questions",
    "parse_response",
    "plain_text",
    "qti_item",
    "qti_manifest",
    "qti_test",
    "response_in_words",
    "response_text",
    "to_anki",
    "to_apkg",
    "to_csv",
    "to_gift",
    "to_json",
    "to_moodle_xml",
    "to_qti_zip",
    "with_case",
]
