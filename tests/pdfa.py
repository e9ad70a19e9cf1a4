"""PDF/A-3a and PDF/UA-1 structure checks with pikepdf and qpdf: what veraPDF would check first.

Each check names the clause of ISO 19005-2/3 (PDF/A-2 and PDF/A-3 share their numbering) or of
ISO 14289-1 (PDF/UA-1) it follows; docs/guide-juridique/pdf-archivage.md lists them. Not a full
validator: fonts' internal tables, colour spaces of every image and the meaning of tags are not read.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import pikepdf

ANNOT_FORBIDDEN_FLAGS = 1 | 2 | 32  # Invisible, Hidden, NoView


def problems(data: bytes, *, ua: bool = True) -> list[str]:
    """Every problem found in ``data`` (empty: the checks hold)."""
    out: list[str] = []
    if not data.startswith(b"%PDF-") or not any(b > 127 for b in data.split(b"\n", 2)[1][:6]):
        out.append("6.1.2: the header is not followed by a comment of four bytes above 127")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out += _trailer(pdf) + _metadata(pdf, ua) + _output_intent(pdf) + _structure(pdf, ua)
        out += _fonts(pdf) + _annotations(pdf, ua) + _forms(pdf) + _files(pdf)
    out += _qpdf(data)
    return out


def _trailer(pdf) -> list[str]:
    out = []
    if "/ID" not in pdf.trailer:
        out.append("6.1.3: the trailer has no ID")
    if pdf.is_encrypted:
        out.append("6.1.3: the file is encrypted")
    return out


def _metadata(pdf, ua: bool) -> list[str]:
    out = []
    if "/Metadata" not in pdf.Root:
        return ["6.6.2.1: the catalog has no XMP metadata stream"]
    meta = pdf.open_metadata()
    if (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) != ("3", "A"):
        out.append(f"6.6.4: pdfaid is {meta.get('pdfaid:part')}/{meta.get('pdfaid:conformance')}, not 3/A")
    if ua and meta.get("pdfuaid:part") != "1":
        out.append("ISO 14289-1, 5: no pdfuaid:part 1 in the XMP metadata")
    if ua and not meta.get("dc:title"):
        out.append("ISO 14289-1, 7.1: no dc:title in the XMP metadata")
    if ua and not bool(pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
        out.append("ISO 14289-1, 7.1: ViewerPreferences/DisplayDocTitle is not true")
    return out


def _output_intent(pdf) -> list[str]:
    intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFA1"]
    if not intents:
        return ["6.2.3: no PDF/A output intent (GTS_PDFA1)"]
    profile = intents[0].get("/DestOutputProfile")
    if profile is None or "/N" not in profile:
        return ["6.2.3: the output intent has no embedded ICC profile"]
    return []


def _structure(pdf, ua: bool) -> list[str]:
    out = []
    if not bool(pdf.Root.get("/MarkInfo", {}).get("/Marked", False)):
        out.append("6.7.2.2: MarkInfo/Marked is not true")
    if "/StructTreeRoot" not in pdf.Root:
        out.append("6.7.3.3: no structure tree")
    if not str(pdf.Root.get("/Lang", "")):
        out.append("6.7.4: the catalog has no Lang")
    return out


def _fonts(pdf) -> list[str]:
    out = []
    seen = set()
    for page_no, page in enumerate(pdf.pages, start=1):
        for font in _fonts_of(page.obj.get("/Resources"), set()):
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
            if font.get("/Subtype") == "/Type3":
                continue
            described = font.DescendantFonts[0] if font.get("/Subtype") == "/Type0" else font
            descriptor = described.get("/FontDescriptor")
            if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                out.append(f"6.2.11.4.1: font {font.get('/BaseFont')} on page {page_no} is not embedded")
    return out


def _fonts_of(resources, visited):
    if resources is None or resources.objgen in visited and resources.objgen != (0, 0):
        return
    visited.add(resources.objgen)
    for font in resources.get("/Font", {}).values():
        yield font
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts_of(xobject.get("/Resources"), visited)


def _annotations(pdf, ua: bool) -> list[str]:
    out = []
    for page_no, page in enumerate(pdf.pages, start=1):
        annots = list(page.obj.get("/Annots", []))
        if annots and ua and page.obj.get("/Tabs") != "/S":
            out.append(f"ISO 14289-1, 7.18.3: page {page_no} has annotations but no Tabs /S")
        for a in annots:
            flags = int(a.get("/F", 0))
            if not flags & 4 or flags & ANNOT_FORBIDDEN_FLAGS:
                out.append(f"6.3.2: an annotation on page {page_no} is not printable or is hidden (F={flags})")
            x1, y1, x2, y2 = (float(v) for v in a.get("/Rect", [0, 0, 0, 0]))
            # 6.3.3-1: every annotation has an appearance, except Popup and Link ones and empty rectangles.
            if ((x2 - x1) or (y2 - y1)) and a.get("/Subtype") not in ("/Popup", "/Link"):
                ap = a.get("/AP")
                if ap is None or set(ap.keys()) != {"/N"}:
                    out.append(f"6.3.3: an annotation on page {page_no} has no appearance stream of its own (AP/N)")
            if ua and (x2 - x1) and (y2 - y1) and "/StructParent" not in a:
                out.append(f"ISO 14289-1, 7.18.1: an annotation on page {page_no} is not in the structure tree")
            if ua and a.get("/Subtype") == "/Widget" and (x2 - x1) and "/TU" not in a and "/TU" not in a.get("/Parent", {}):
                out.append(f"ISO 14289-1, 7.18.4: the form field on page {page_no} has no TU (what it is for)")
    return out


def _forms(pdf) -> list[str]:
    form = pdf.Root.get("/AcroForm")
    if form is not None and bool(form.get("/NeedAppearances", False)):
        return ["6.4.1: the form asks viewers to make appearances (NeedAppearances)"]
    if form is not None and "/XFA" in form:
        return ["6.4.2: the form has XFA"]
    return []


def _files(pdf) -> list[str]:
    out = []
    names = pdf.Root.get("/Names", {}).get("/EmbeddedFiles", {}).get("/Names", [])
    specs = [names[i + 1] for i in range(0, len(names), 2)]
    af = {s.objgen for s in pdf.Root.get("/AF", [])}
    for spec in specs:
        stream = spec.get("/EF", {}).get("/F")
        if stream is None or "/Subtype" not in stream:
            out.append("6.8: an embedded file has no MIME type (Subtype)")
        if "/AFRelationship" not in spec:
            out.append("6.8: an embedded file has no AFRelationship")
        if spec.objgen not in af:
            out.append("6.8: an embedded file is not listed in the catalog's AF")
    return out


def _qpdf(data: bytes) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "check.pdf"
        path.write_bytes(data)
        done = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    return [] if done.returncode == 0 else [f"qpdf --check: {done.stdout.strip()[-300:]} {done.stderr.strip()[-300:]}"]


def transparency_groups(data: bytes) -> int:
    """How many pages and form XObjects are transparency groups (allowed in PDF/A-3 with the output intent)."""
    count = 0
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                group = obj.get("/Group")
                if group is not None and group.get("/S") == "/Transparency":
                    count += 1
    return count
