"""An empty signature field in a Typst PDF, where the template drew the signature box.

Typst makes no form fields. The template wraps the box in a link to a marker address; Typst writes
that link as an annotation at the box's exact place, already in the structure tree (a ``Link``
element pointing to it). Here that annotation becomes a signature widget: same object, same place,
the structure element turned into ``Form``, a tooltip (``/TU``, what a screen reader says), the print
flag and an appearance stream (PDF/A wants both), listed in the document's AcroForm. Nothing else
changes, the PDF/A-3a and PDF/UA-1 identification included; the same input gives the same bytes.
"""

from __future__ import annotations

import io

#: Where the template's signature box links to (never an address anyone visits).
MARKER = "https://charter-kit.invalid/signature-salarie"
PRINT = 4


def signature_field(pdf: bytes, *, name: str, tooltip: str, marker: str = MARKER) -> bytes:
    """``pdf`` with the box linked to ``marker`` turned into an empty signature field ``name``;
    the PDF unchanged when it has no such box."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        found = None
        for page in doc.pages:
            for annot in page.obj.get("/Annots", []):
                action = annot.get("/A")
                if annot.get("/Subtype") == "/Link" and action is not None and str(action.get("/URI", "")) == marker:
                    found = (page, annot)
        if found is None:
            return pdf
        page, annot = found
        _widget(doc, page, annot, name, tooltip)
        _retag(doc, annot)
        out = io.BytesIO()
        doc.save(out, deterministic_id=True)
        return out.getvalue()


def _widget(doc, page, annot, name: str, tooltip: str) -> None:
    import pikepdf

    x1, y1, x2, y2 = (float(v) for v in annot.Rect)
    appearance = doc.make_stream(b"", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                                 BBox=[0, 0, abs(x2 - x1), abs(y2 - y1)], Resources=pikepdf.Dictionary())
    for key in ("/A", "/Border", "/BS", "/H", "/QuadPoints", "/PA"):
        if key in annot:
            del annot[key]
    # Field and widget in one object, as signing tools write them: the structure tree then points
    # at the field itself, which validators (pyHanko) recognise when an employee signs it later.
    annot.Subtype = pikepdf.Name.Widget
    annot.FT = pikepdf.Name.Sig
    annot.T = pikepdf.String(name)
    annot.TU = pikepdf.String(tooltip)
    annot.Contents = pikepdf.String(tooltip)
    annot.F = PRINT
    annot.P = page.obj
    annot.AP = pikepdf.Dictionary(N=appearance)
    form = doc.Root.get("/AcroForm")
    if form is None:
        doc.Root.AcroForm = form = doc.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array()))
    form.Fields.append(annot)
    if "/Tabs" not in page.obj:
        page.obj.Tabs = pikepdf.Name.S  # PDF/UA: a page with annotations is read in structure order


def _retag(doc, annot) -> None:
    """The structure element pointing at the annotation (a Link) becomes a Form."""
    import pikepdf

    root = doc.Root.get("/StructTreeRoot")
    if root is None:
        return
    stack = [root]
    seen = set()
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.objgen in seen and node.objgen != (0, 0):
            continue
        seen.add(node.objgen)
        kids = node.get("/K")
        items = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        for kid in items:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR" and kid.get("/Obj") is not None \
                    and kid.Obj.objgen == annot.objgen:
                node.S = pikepdf.Name.Form
                if len(items) == 1:
                    # Form.K is the object reference itself, the shape signature validators (pyHanko)
                    # accept when the field is filled in later.
                    node.K = kid
                return
            if isinstance(kid, pikepdf.Dictionary):
                stack.append(kid)
