"""The package around a Word document: content types, relationships, properties, the zip.

Properties say what the document is (title, subject, author = the company, language, the release's
dates) and that charter-kit made it (custom properties with its version and digest); nothing of a
template (no thumbnail, no bibliography part, no "Microsoft Macintosh Word"). Parts are zipped in a
fixed order with a fixed timestamp, so the same document is the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape as xml_escape

from lxml import etree

LANGUAGE = "fr-FR"
#: Zip entries get this timestamp, so the bytes never depend on the clock.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."


def write_zip(parts: dict[str, bytes]) -> bytes:
    """The .docx zip: [Content_Types].xml first, as Office writes it, the other parts in name order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ["[Content_Types].xml", *sorted(set(parts) - {"[Content_Types].xml"})]:
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            z.writestr(entry, parts[name])
    return out.getvalue()


def xml(element: etree._Element) -> bytes:
    """An XML part's bytes, with its declaration."""
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def content_types(*, comments: bool) -> bytes:
    """[Content_Types].xml: the media type of every part."""
    overrides = [("/word/document.xml", _CT + "document.main+xml"), ("/word/styles.xml", _CT + "styles+xml"),
                 ("/word/numbering.xml", _CT + "numbering+xml"), ("/word/settings.xml", _CT + "settings+xml"),
                 ("/word/fontTable.xml", _CT + "fontTable+xml"),
                 ("/word/header1.xml", _CT + "header+xml"), ("/word/footer1.xml", _CT + "footer+xml"),
                 ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
                 ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
                 ("/docProps/custom.xml", "application/vnd.openxmlformats-officedocument.custom-properties+xml")]
    if comments:
        overrides.append(("/word/comments.xml", _CT + "comments+xml"))
    text = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in overrides) + "</Types>")
    return text.encode("utf-8")


def core(info) -> bytes:
    """docProps/core.xml: title, subject, author, keywords, language and the release's dates (none for a draft)."""
    stamp = f"{info.date}T00:00:00Z" if info.date else None
    fields = [("dc:title", info.title), ("dc:subject", info.subject), ("dc:creator", info.author),
              ("cp:keywords", info.keywords), ("dc:description", info.description),
              ("cp:lastModifiedBy", info.author), ("cp:revision", "1"), ("cp:category", info.category),
              ("dc:language", LANGUAGE)]
    body = "".join(f"<{k}>{xml_escape(v)}</{k}>" for k, v in fields if v)
    if stamp:
        body += "".join(f'<dcterms:{k} xsi:type="dcterms:W3CDTF">{stamp}</dcterms:{k}>' for k in ("created", "modified"))
    text = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            + body + "</cp:coreProperties>")
    return text.encode("utf-8")


def app(author: str) -> bytes:
    """docProps/app.xml: the application that wrote it and the company; nothing of a template."""
    text = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties '
            'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"<Application>charter-kit</Application><DocSecurity>0</DocSecurity>"
            f"<Company>{xml_escape(author)}</Company><LinksUpToDate>false</LinksUpToDate>"
            "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>")
    return text.encode("utf-8")


def custom(custom_props: dict[str, str]) -> bytes:
    """docProps/custom.xml: what charter-kit needs to recognise its own document (kind, version, digest)."""
    fmtid = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
    props = "".join(f'<property fmtid="{fmtid}" pid="{pid}" name="{xml_escape(name)}">'
                    f"<vt:lpwstr>{xml_escape(value)}</vt:lpwstr></property>"
                    for pid, (name, value) in enumerate(sorted(custom_props.items()), start=2))
    text = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties '
            'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            + props + "</Properties>")
    return text.encode("utf-8")


_REL_TYPES = {"core": "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
              "app": _REL + "extended-properties", "custom": _REL + "custom-properties"}


def rels(internal: Sequence[tuple[str, str, str]], external: Sequence[tuple[str, str, str]] = ()) -> bytes:
    """A relationships part: (id, type, target) inside the package, then external addresses."""
    items = [f'<Relationship Id="{i}" Type="{_REL_TYPES.get(t, _REL + t)}" Target="{target}"/>'
             for i, t, target in internal]
    items += [f'<Relationship Id="{i}" Type="{_REL}{t}" Target="{xml_escape(target, {chr(34): "&quot;"})}" '
              'TargetMode="External"/>' for i, t, target in external]
    text = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(items) + "</Relationships>")
    return text.encode("utf-8")


