"""The one vocabulary of the OOXML layer: namespace URIs, :func:`qn`, and the WordprocessingML names in use.

Every module of ``ooxml/`` spells an element or attribute of WordprocessingML with a constant from here
(``P``, ``PPR``, ``VAL``...) or, for a name used once, with :func:`qn` (``qn("w15:commentEx")``). The
constants are Clark names (``{uri}local``), the form lxml compares tags and attributes by; an element
and an attribute with the same local name (``w:id``, ``w:name``) share one constant.
"""

from __future__ import annotations

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
XML = "http://www.w3.org/XML/1998/namespace"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
V = "urn:schemas-microsoft-com:vml"
VML_OFFICE = "urn:schemas-microsoft-com:office:office"

STRICT_NAMESPACES = tuple((f"http://purl.oclc.org/ooxml/{strict}".encode(), transitional.encode())
                          for strict, transitional in (
    ("wordprocessingml/main", W),
    ("officeDocument/relationships", REL),
    ("officeDocument/math", "http://schemas.openxmlformats.org/officeDocument/2006/math"),
    ("officeDocument/customProperties", CUSTOM),
    ("officeDocument/extendedProperties", "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"),
    ("officeDocument/docPropsVTypes", VT),
    ("officeDocument/sharedTypes", "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes"),
    ("drawingml/main", "http://schemas.openxmlformats.org/drawingml/2006/main"),
    ("drawingml/wordprocessingDrawing", WP),
    ("drawingml/picture", "http://schemas.openxmlformats.org/drawingml/2006/picture"),
    ("drawingml/chart", "http://schemas.openxmlformats.org/drawingml/2006/chart"),
    ("drawingml/diagram", "http://schemas.openxmlformats.org/drawingml/2006/diagram"),
))
"""ISO/IEC 29500 Strict namespaces and their Transitional twins: Strict documents are read (and redlines written
back) in the Transitional vocabulary above. A relationship type is its namespace and a name, so it follows."""

NSMAP = {
    "w": W, "r": REL, "pr": PKG_REL, "ct": CT, "cp": CP, "dc": DC, "dcterms": DCTERMS, "xsi": XSI,
    "op": CUSTOM, "vt": VT, "w14": W14, "w15": W15, "mc": MC, "wp": WP, "xml": XML,
    "m": M, "a": A, "v": V, "o": VML_OFFICE,
}

REL_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_CUSTOM_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
REL_CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
CT_CUSTOM_PROPERTIES = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CT_CORE_PROPERTIES = "application/vnd.openxmlformats-package.core-properties+xml"


def qn(tag: str) -> str:
    """``w:p`` -> ``{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p``."""
    prefix, local = tag.split(":")
    return f"{{{NSMAP[prefix]}}}{local}"


# ------------------------------------------------------------------ WordprocessingML: text and paragraphs

BODY = qn("w:body")
P, R, T = qn("w:p"), qn("w:r"), qn("w:t")
PPR, RPR, PSTYLE, OUTLINE_LVL = qn("w:pPr"), qn("w:rPr"), qn("w:pStyle"), qn("w:outlineLvl")
TAB, BR, CR = qn("w:tab"), qn("w:br"), qn("w:cr")
NO_BREAK_HYPHEN, SOFT_HYPHEN, SYM = qn("w:noBreakHyphen"), qn("w:softHyphen"), qn("w:sym")
FLD_CHAR, FLD_CHAR_TYPE, INSTR_TEXT = qn("w:fldChar"), qn("w:fldCharType"), qn("w:instrText")
HYPERLINK, ANCHOR = qn("w:hyperlink"), qn("w:anchor")
SECT_PR = qn("w:sectPr")
DRAWING, PICT, OBJECT = qn("w:drawing"), qn("w:pict"), qn("w:object")
PTAB, FLD_SIMPLE, INSTR, SYM_CHAR = qn("w:ptab"), qn("w:fldSimple"), qn("w:instr"), qn("w:char")
TXBX_CONTENT, ALT_CHUNK = qn("w:txbxContent"), qn("w:altChunk")

# ------------------------------------------------------------------ drawings, pictures, equations

MC_ALTERNATE_CONTENT, MC_CHOICE, MC_FALLBACK = qn("mc:AlternateContent"), qn("mc:Choice"), qn("mc:Fallback")
WP_DOC_PR, WP_EXTENT = qn("wp:docPr"), qn("wp:extent")
A_BLIP, A_GRAPHIC_DATA = qn("a:blip"), qn("a:graphicData")
V_IMAGEDATA = qn("v:imagedata")
R_EMBED, R_LINK = qn("r:embed"), qn("r:link")
OMATH, OMATH_PARA = qn("m:oMath"), qn("m:oMathPara")

# ------------------------------------------------------------------ tables and wrappers

TBL, TR, TC = qn("w:tbl"), qn("w:tr"), qn("w:tc")
TRPR, TCPR, TBL_PR_EX = qn("w:trPr"), qn("w:tcPr"), qn("w:tblPrEx")
SDT, SDT_CONTENT, CUSTOM_XML = qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")

# ------------------------------------------------------------------ revisions (tracked changes)

INS, DEL, MOVE_FROM, MOVE_TO = qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo")
DEL_TEXT, DEL_INSTR_TEXT = qn("w:delText"), qn("w:delInstrText")
CELL_INS, CELL_DEL, CELL_MERGE = qn("w:cellIns"), qn("w:cellDel"), qn("w:cellMerge")
MOVE_FROM_RANGE_START, MOVE_FROM_RANGE_END = qn("w:moveFromRangeStart"), qn("w:moveFromRangeEnd")
MOVE_TO_RANGE_START, MOVE_TO_RANGE_END = qn("w:moveToRangeStart"), qn("w:moveToRangeEnd")
RPR_CHANGE, PPR_CHANGE, SECT_PR_CHANGE = qn("w:rPrChange"), qn("w:pPrChange"), qn("w:sectPrChange")
TBL_PR_CHANGE, TBL_GRID_CHANGE = qn("w:tblPrChange"), qn("w:tblGridChange")
TR_PR_CHANGE, TC_PR_CHANGE = qn("w:trPrChange"), qn("w:tcPrChange")
TBL_PR_EX_CHANGE, NUMBERING_CHANGE = qn("w:tblPrExChange"), qn("w:numberingChange")

# ------------------------------------------------------------------ bookmarks, comments, notes

BOOKMARK_START, BOOKMARK_END = qn("w:bookmarkStart"), qn("w:bookmarkEnd")
COMMENT = qn("w:comment")
COMMENT_RANGE_START, COMMENT_RANGE_END = qn("w:commentRangeStart"), qn("w:commentRangeEnd")
COMMENT_REFERENCE = qn("w:commentReference")
FOOTNOTE, ENDNOTE = qn("w:footnote"), qn("w:endnote")
FOOTNOTE_REFERENCE, ENDNOTE_REFERENCE = qn("w:footnoteReference"), qn("w:endnoteReference")

# ------------------------------------------------------------------ styles and settings

STYLE, STYLE_ID, BASED_ON = qn("w:style"), qn("w:styleId"), qn("w:basedOn")
KEEP_NEXT, R_FONTS, ASCII = qn("w:keepNext"), qn("w:rFonts"), qn("w:ascii")
HEADER_REFERENCE, FOOTER_REFERENCE, TITLE_PG = qn("w:headerReference"), qn("w:footerReference"), qn("w:titlePg")
EVEN_AND_ODD_HEADERS = qn("w:evenAndOddHeaders")
TRACK_REVISIONS, UPDATE_FIELDS = qn("w:trackRevisions"), qn("w:updateFields")

# ------------------------------------------------------------------ attributes (and elements of the same name)

ID, VAL, NAME, TYPE = qn("w:id"), qn("w:val"), qn("w:name"), qn("w:type")
AUTHOR, DATE, INITIALS = qn("w:author"), qn("w:date"), qn("w:initials")
XML_SPACE, R_ID = qn("xml:space"), qn("r:id")

# ------------------------------------------------------------------ languages

LANG, HIGHLIGHT, THEME_FONT_LANG = qn("w:lang"), qn("w:highlight"), qn("w:themeFontLang")
