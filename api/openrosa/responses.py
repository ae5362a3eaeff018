"""OpenRosa 1.0 documents and headers: form lists, manifests and submission responses.

Documents are built with ElementTree (building is safe; only parsing needs defusedxml).
"""

from email.utils import formatdate
from xml.etree.ElementTree import Element, SubElement, tostring

from fastapi import Response

OPENROSA_VERSION = "1.0"
XFORMS_LIST_NS = "http://openrosa.org/xforms/xformsList"
MANIFEST_NS = "http://openrosa.org/xforms/xformsManifest"
RESPONSE_NS = "http://openrosa.org/http/response"


def openrosa_headers(accept_content_length: int | None = None) -> dict[str, str]:
    headers = {"X-OpenRosa-Version": OPENROSA_VERSION, "Date": formatdate(usegmt=True)}
    if accept_content_length is not None:
        headers["X-OpenRosa-Accept-Content-Length"] = str(accept_content_length)
    return headers


def xml_response(root: Element | str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = root if isinstance(root, str) else tostring(root, encoding="unicode", xml_declaration=True)
    return Response(
        body, status_code=status, media_type="text/xml; charset=utf-8", headers={**openrosa_headers(), **(headers or {})}
    )


def form_list(entries: list[dict[str, str]]) -> Element:
    root = Element("xforms", xmlns=XFORMS_LIST_NS)
    for entry in entries:
        xform = SubElement(root, "xform")
        for field in ("formID", "name", "version", "hash", "downloadUrl", "manifestUrl"):
            SubElement(xform, field).text = entry[field]
    return root


def manifest() -> Element:
    # Bundled and uploaded instruments carry no media files (media question types are refused).
    return Element("manifest", xmlns=MANIFEST_NS)


def message(text: str, nature: str) -> Element:
    root = Element("OpenRosaResponse", xmlns=RESPONSE_NS)
    SubElement(root, "message", nature=nature).text = text
    return root
