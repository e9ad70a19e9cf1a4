"""The fixed parts of every Word document: styles that match the PDF, lists, settings, fonts,
running header and footer, page setup.

The PDF (templates/pdf/annex.typ) sets Libertinus Serif 10.5 pt in dark ink, headings in bold with
a rule in the brand colour under each article, clause numbers and links in the accent colour, and
8 pt muted running lines. The styles below say the same in WordprocessingML, under Word's own
built-in names ("heading 1", "Title"…) so Word's navigation pane and outline see them. A reader
sets Times New Roman where the PDF sets Libertinus Serif (see ``BODY_FONT``).
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
INK, MUTED, HAIRLINE, PANEL = "1A1C21", "4A4F5A", "C9CCD4", "F4F5F8"
#: The PDF's Libertinus Serif is on no lawyer's computer: Times New Roman, its closest cousin installed
#: everywhere (Liberation Serif, metric-compatible, on Linux), keeps the look and the line breaks.
BODY_FONT, MONO_FONT = "Times New Roman", "Courier New"
#: Page size and margins in twentieths of a point (the PDF's: 26, 24, 25 and 22 mm).
PAPER = {"a4": (11906, 16838), "letter": (12240, 15840)}
MARGINS = {"top": 1474, "bottom": 1361, "left": 1417, "right": 1247, "header": 680, "footer": 624}


def w(tag: str) -> str:
    """The Clark name of a WordprocessingML tag."""
    return f"{{{W_NS}}}{tag}"


def el(tag: str, *children: etree._Element, **attrs: str) -> etree._Element:
    """A ``w:`` element with ``w:`` attributes (a trailing underscore is dropped: ``type_``)."""
    elm = etree.Element(w(tag), nsmap={"w": W_NS})
    for key, value in attrs.items():
        elm.set(w(key.rstrip("_")), value)
    for child in children:
        elm.append(child)
    return elm


def text_width(paper: str) -> int:
    """The width between the margins, in twentieths of a point."""
    return PAPER[paper][0] - MARGINS["left"] - MARGINS["right"]


# -- styles -------------------------------------------------------------------------------------------
def _rpr(*, font: str | None = None, bold: bool = False, italic: bool = False, caps: bool = False,
         color: str | None = None, spacing: int | None = None, size: float | None = None) -> etree._Element:
    rpr = el("rPr")
    if font:
        rpr.append(el("rFonts", ascii=font, hAnsi=font, cs=font))
    if bold:
        rpr.append(el("b"))
    if italic:
        rpr.append(el("i"))
    if caps:
        rpr.append(el("caps"))
    if color:
        rpr.append(el("color", val=color))
    if spacing:
        rpr.append(el("spacing", val=str(spacing)))
    if size:
        rpr.append(el("sz", val=str(round(size * 2))))
        rpr.append(el("szCs", val=str(round(size * 2))))
    return rpr


def _ppr(*, keep_next: bool = False, keep_lines: bool = False, no_numbers: bool = False, border: etree._Element | None = None,
         shade: str | None = None, tabs: Sequence[int] = (), before: int | None = None, after: int | None = None,
         line: int | None = None, left: int | None = None, align: str | None = None,
         outline: int | None = None) -> etree._Element:
    ppr = el("pPr")
    if keep_next:
        ppr.append(el("keepNext"))
    if keep_lines:
        ppr.append(el("keepLines"))
    if no_numbers:
        ppr.append(el("suppressLineNumbers"))
    if border is not None:
        ppr.append(border)
    if shade:
        ppr.append(el("shd", val="clear", color="auto", fill=shade))
    if tabs:
        ppr.append(el("tabs", *[el("tab", val="right", pos=str(t)) for t in tabs]))
    spacing = {k: str(v) for k, v in (("before", before), ("after", after), ("line", line)) if v is not None}
    if spacing:
        if "line" in spacing:
            spacing["lineRule"] = "auto"
        ppr.append(el("spacing", **spacing))
    if left is not None:
        ppr.append(el("ind", left=str(left)))
    if align:
        ppr.append(el("jc", val=align))
    if outline is not None:
        ppr.append(el("outlineLvl", val=str(outline)))
    return ppr


def _border(side: str, size: int, color: str, space: int = 4) -> etree._Element:
    return el("pBdr", el(side, val="single", sz=str(size), space=str(space), color=color))


def _style(kind: str, style_id: str, name: str, *, based: str | None = "Normal", nxt: str | None = None,
           ppr: etree._Element | None = None, rpr: etree._Element | None = None, default: bool = False,
           priority: int | None = None, extra: Sequence[etree._Element] = ()) -> etree._Element:
    attrs = {"type": kind, "styleId": style_id}
    if default:
        attrs["default"] = "1"
    style = el("style", el("name", val=name), **attrs)
    if based and style_id != based:
        style.append(el("basedOn", val=based))
    if nxt:
        style.append(el("next", val=nxt))
    if priority is not None:
        style.append(el("uiPriority", val=str(priority)))
    style.append(el("qFormat"))
    for part in (ppr, rpr, *extra):
        if part is not None and len(part):
            style.append(part)
    return style


def style_sheet(brand: str, accent: str) -> etree._Element:
    """styles.xml: the defaults (font, size, French) and every style the documents use."""
    brand, accent = brand.lstrip("#").upper(), accent.lstrip("#").upper()
    defaults = el("docDefaults",
                  el("rPrDefault", el("rPr", el("rFonts", ascii=BODY_FONT, hAnsi=BODY_FONT, cs=BODY_FONT,
                                                eastAsia=BODY_FONT),
                                      el("color", val=INK), el("sz", val="21"), el("szCs", val="21"),
                                      el("lang", val="fr-FR", eastAsia="fr-FR", bidi="ar-SA"))),
                  el("pPrDefault", el("pPr", el("spacing", after="120", line="264", lineRule="auto"))))
    table = _style("table", "ckTable", "ckTable", based=None, extra=[
        el("tblPr", el("tblBorders", *[el(s, val="single", sz="4", space="0", color=HAIRLINE)
                                       for s in ("top", "bottom", "insideH")]),
           el("tblCellMar", el("top", w="57", type="dxa"), el("left", w="85", type="dxa"),
              el("bottom", w="57", type="dxa"), el("right", w="85", type="dxa")))])
    styles = [
        _style("paragraph", "Normal", "Normal", based=None, default=True, ppr=_ppr(align="both")),
        _style("paragraph", "Title", "Title", nxt="Subtitle", priority=10,
               ppr=_ppr(keep_next=True, no_numbers=True, before=0, after=120, line=228, align="left"),
               rpr=_rpr(bold=True, size=27)),
        _style("paragraph", "Subtitle", "Subtitle", priority=11,
               ppr=_ppr(keep_next=True, no_numbers=True, after=240, align="left"), rpr=_rpr(color=MUTED, size=14)),
        _style("paragraph", "Heading1", "heading 1", nxt="Normal", priority=9,
               ppr=_ppr(keep_next=True, keep_lines=True, border=_border("bottom", 12, brand, 6), before=480,
                        after=200, align="left", outline=0), rpr=_rpr(bold=True, size=17)),
        _style("paragraph", "Heading2", "heading 2", nxt="Normal", priority=9,
               ppr=_ppr(keep_next=True, keep_lines=True, before=300, after=100, align="left", outline=1),
               rpr=_rpr(bold=True, size=12)),
        _style("paragraph", "Heading3", "heading 3", nxt="Normal", priority=9,
               ppr=_ppr(keep_next=True, before=200, after=80, align="left", outline=2),
               rpr=_rpr(bold=True, color=accent, size=10.5)),
        _style("paragraph", "Heading4", "heading 4", nxt="Normal", priority=9,
               ppr=_ppr(keep_next=True, before=160, after=60, align="left", outline=3),
               rpr=_rpr(bold=True, italic=True, size=10.5)),
        _style("paragraph", "Quote", "Quote", priority=29,
               ppr=_ppr(border=_border("left", 8, HAIRLINE, 8), left=227), rpr=_rpr(italic=True)),
        _style("paragraph", "ListParagraph", "List Paragraph", priority=34, ppr=_ppr(after=60)),
        _style("paragraph", "ckKicker", "ckKicker", ppr=_ppr(keep_next=True, no_numbers=True, after=60, align="left"),
               rpr=_rpr(bold=True, caps=True, color=accent, spacing=20, size=9)),
        _style("paragraph", "ckSmall", "ckSmall", ppr=_ppr(after=60, align="left"), rpr=_rpr(color=MUTED, size=8.5)),
        _style("paragraph", "ckCover", "ckCover", ppr=_ppr(no_numbers=True, align="left")),
        _style("paragraph", "ckNotice", "ckNotice",
               ppr=_ppr(no_numbers=True, border=_border("left", 16, brand, 8), shade=PANEL, before=120, after=120,
                        left=113, align="left"), rpr=_rpr(size=9.5)),
        _style("paragraph", "ckReferences", "ckReferences",
               ppr=_ppr(keep_lines=True, border=_border("left", 16, brand, 8), shade=PANEL, before=240, left=113,
                        align="left"), rpr=_rpr(color="33363D", size=8.5)),
        _style("paragraph", "ckTableText", "ckTableText", ppr=_ppr(no_numbers=True, after=0, align="left"),
               rpr=_rpr(size=9.5)),
        _style("paragraph", "ckTableHead", "ckTableHead", based="ckTableText", ppr=_ppr(keep_next=True),
               rpr=_rpr(bold=True)),
        _style("paragraph", "ckCodeBlock", "ckCodeBlock", ppr=_ppr(shade=PANEL, left=113, align="left"),
               rpr=_rpr(font=MONO_FONT, size=9)),
        _style("paragraph", "Header", "header", ppr=_ppr(no_numbers=True, border=_border("bottom", 4, HAIRLINE),
                                                         after=0, align="left"),
               rpr=_rpr(color=MUTED, size=8)),
        _style("paragraph", "Footer", "footer", ppr=_ppr(no_numbers=True, border=_border("top", 4, HAIRLINE),
                                                         after=0, align="left"),
               rpr=_rpr(color=MUTED, size=8)),
        _style("paragraph", "CommentText", "annotation text", ppr=_ppr(after=60, align="left"), rpr=_rpr(size=10)),
        _style("character", "CommentReference", "annotation reference", based=None, rpr=_rpr(size=8)),
        _style("character", "Hyperlink", "Hyperlink", based=None, priority=99,
               rpr=_rpr(color=accent)),
        _style("character", "ckCode", "ckCode", based=None, rpr=_rpr(font=MONO_FONT, size=9)),
        _style("character", "ckNumber", "ckNumber", based=None, rpr=_rpr(color=accent)),
        table,
    ]
    for style in styles:  # the link style is underlined too, so it reads without colour
        if style.get(w("styleId")) == "Hyperlink":
            style.find(w("rPr")).append(el("u", val="single"))
    return el("styles", defaults, *styles)


# -- lists --------------------------------------------------------------------------------------------
_BULLETS = ("•", "–", "◦")


def numbering(lists: Sequence[tuple[str, int]]) -> etree._Element:
    """numbering.xml: a bullet and a decimal definition, and one instance per list (restarting)."""
    root = el("numbering")
    for abstract, kind in ((1, "bullet"), (2, "decimal")):
        levels = []
        for level in range(9):
            indent = 397 + 340 * level
            if kind == "bullet":
                fmt, text = "bullet", _BULLETS[level % 3]
            else:
                fmt, text = ("decimal", "lowerLetter", "lowerRoman")[level % 3], f"%{level + 1}."
            levels.append(el("lvl", el("start", val="1"), el("numFmt", val=fmt), el("lvlText", val=text),
                             el("lvlJc", val="left"), el("pPr", el("ind", left=str(indent), hanging="284")),
                             ilvl=str(level)))
        root.append(el("abstractNum", el("multiLevelType", val="hybridMultilevel"), *levels,
                       abstractNumId=str(abstract)))
    for num_id, (kind, start) in enumerate(lists, start=1):
        num = el("num", el("abstractNumId", val="1" if kind == "bullet" else "2"), numId=str(num_id))
        if kind != "bullet":
            num.append(el("lvlOverride", el("startOverride", val=str(start)), ilvl="0"))
        root.append(num)
    return root


# -- settings, fonts ----------------------------------------------------------------------------------
def settings(*, track_revisions: bool) -> etree._Element:
    """settings.xml, children in the schema's order (CT_Settings)."""
    root = el("settings", el("zoom", percent="100"))
    if track_revisions:
        root.append(el("trackRevisions"))
    root.extend([el("defaultTabStop", val="708"), el("autoHyphenation", val="0"),
                 el("characterSpacingControl", val="doNotCompress"),
                 el("compat", el("compatSetting", name="compatibilityMode", uri="http://schemas.microsoft.com/office/word",
                                 val="15")),
                 el("themeFontLang", val="fr-FR"), el("decimalSymbol", val=","), el("listSeparator", val=";")])
    return root


def font_table() -> etree._Element:
    """fontTable.xml: the two fonts and their families."""
    return el("fonts",
              el("font", el("family", val="roman"), el("pitch", val="variable"), name=BODY_FONT),
              el("font", el("family", val="modern"), el("pitch", val="fixed"), name=MONO_FONT))


# -- header, footer, section --------------------------------------------------------------------------
def section(paper: str, *, line_numbers: bool = False, cover: bool = False) -> etree._Element:
    """A section: paper and margins; the body's has the running header and footer and the line
    numbers; the cover's (ended by ``Docx.end_cover``) has neither."""
    width, height = PAPER[paper]
    refs = []
    if not cover:
        r = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        for kind, ident in (("headerReference", "rIdHeader1"), ("footerReference", "rIdFooter1")):
            ref = el(kind, type="default")
            ref.set(r, ident)
            refs.append(ref)
    sect = el("sectPr", *refs, el("pgSz", w=str(width), h=str(height)),
              el("pgMar", **{k: str(v) for k, v in MARGINS.items()}, gutter="0"))
    if line_numbers and not cover:
        sect.append(el("lnNumType", countBy="1", distance="284", restart="newPage"))
    sect.append(el("cols", space="708"))
    return sect
