"""SVG logos as pictures only: no script, no event handler, no embedded HTML, nothing fetched.

An SVG file is a document that can run scripts when a browser opens it, and the site serves the
logo from the charter's own address. ``svg_problems`` says what makes a logo more than a picture
(the profile refuses it, naming branding.logo); ``clean_svg`` removes it from a logo already frozen
in a release, so a publish of that release never serves a script. A logo that is only a picture
comes back byte for byte.

Parsed with lxml without entity expansion, DTD loading or network access, and with its default
depth limit: an entity bomb or a deeply nested file is refused, never expanded.
"""

from __future__ import annotations

import re

from lxml import etree

#: Elements that run code, embed another document or change attributes over time (SMIL can set an
#: href to ``javascript:``): none belongs in a logo.
FORBIDDEN = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener", "set", "animate",
             "animatemotion", "animatetransform", "animatecolor", "discard"}
#: What an ``href`` may point to: a part of the same drawing, or an image embedded in it.
_LOCAL_HREF = re.compile(r"^\s*(#|data:image/(png|jpeg|gif|webp);)", re.I)
# CSS that fetches: @import, or url(…) that is not a reference to the drawing itself.
_CSS_FETCH = re.compile(r"@import|url\(\s*['\"]?\s*(?!#)", re.I)


def _local(name: str) -> str:
    return etree.QName(name).localname.lower() if isinstance(name, str) else ""


def _parse(data: bytes) -> etree._ElementTree:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_blank_text=False)
    return etree.ElementTree(etree.fromstring(data, parser))


def svg_problems(data: bytes) -> list[str]:
    """What makes an SVG file more than a picture, in words for the person who chose it (empty: a picture)."""
    try:
        tree = _parse(data)
    except (etree.XMLSyntaxError, ValueError) as exc:
        return [f"not a valid SVG file ({' '.join(str(exc).split())[:120]})"]
    problems: list[str] = []
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        problems.append("it declares a DOCTYPE or entities")
    root = tree.getroot()
    if _local(root.tag) != "svg":
        problems.append(f"its root element is <{_local(root.tag)}>, not <svg>")
    outside = [*root.itersiblings(preceding=True), *root.itersiblings()]
    for node in [*outside, *root.iter()]:
        if isinstance(node, etree._ProcessingInstruction):
            problems.append(f"it holds a processing instruction (<?{node.target} …?>)")
            continue
        if isinstance(node, etree._Entity):
            problems.append(f"it uses the entity &{node.name};")
            continue
        if not isinstance(node.tag, str):
            continue
        name = _local(node.tag)
        if name in FORBIDDEN:
            problems.append(f"it holds a <{etree.QName(node.tag).localname}> element")
        if name == "style" and _CSS_FETCH.search(node.text or ""):
            problems.append("its style sheet loads an outside resource")
        for attr, value in node.attrib.items():
            local = _local(attr)
            if local.startswith("on"):
                problems.append(f"it has an event handler ({local}=…)")
            elif local == "href" and not _LOCAL_HREF.match(value):
                problems.append(f"it links or refers to '{value[:60]}' outside the drawing")
            elif local == "style" and _CSS_FETCH.search(value):
                problems.append("a style attribute loads an outside resource")
    return list(dict.fromkeys(problems))


def clean_svg(data: bytes) -> bytes:
    """The logo without what ``svg_problems`` reports; a logo that is only a picture, unchanged.
    A file that cannot be read as SVG becomes an empty drawing."""
    if not svg_problems(data):
        return data
    try:
        tree = _parse(data)
    except (etree.XMLSyntaxError, ValueError):
        return b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    root = tree.getroot()
    if _local(root.tag) != "svg":
        return b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    for node in list(root.iter()):
        parent = node.getparent()
        if isinstance(node, (etree._ProcessingInstruction, etree._Entity, etree._Comment)):
            if parent is not None:
                _drop(node)
            continue
        name = _local(node.tag)
        if name in FORBIDDEN or (name == "style" and _CSS_FETCH.search(node.text or "")):
            if parent is not None:
                _drop(node)
            continue
        for attr, value in list(node.attrib.items()):
            local = _local(attr)
            if (local.startswith("on") or (local == "href" and not _LOCAL_HREF.match(value))
                    or (local == "style" and _CSS_FETCH.search(value))):
                del node.attrib[attr]
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def _drop(node) -> None:
    """Remove ``node`` but keep the text that follows it."""
    parent = node.getparent()
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)
