"""What ODK Collect sends: instance XML serialised from the form's structure, in multipart posts."""

import base64
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from survey_defs.model import Group, Instrument, Repeat


def _fill(parent: Element, elements, answers: dict[str, Any]) -> None:
    for element in elements:
        if isinstance(element, Group):
            _fill(SubElement(parent, element.name), element.children, answers)
        elif isinstance(element, Repeat):
            for instance in answers.get(element.name, []):
                _fill(SubElement(parent, element.name), element.children, instance)
        else:
            node = SubElement(parent, element.name)
            value = answers.get(element.name)
            if isinstance(value, list):
                node.text = " ".join(value)
            elif value is not None:
                node.text = str(value)


def instance_xml(instrument: Instrument, answers: dict[str, Any], instance_id: str,
                 deprecated_id: str | None = None) -> bytes:
    root = Element("data", {"id": instrument.settings.form_id, "version": instrument.settings.version,
                            "xmlns:orx": "http://openrosa.org/xforms"})
    _fill(root, instrument.survey, answers)
    meta = SubElement(root, "meta")
    SubElement(meta, "instanceID").text = f"uuid:{instance_id}"
    if deprecated_id:
        SubElement(meta, "deprecatedID").text = f"uuid:{deprecated_id}"
    return tostring(root, encoding="utf-8", xml_declaration=True)


def multipart(xml: bytes, *media: tuple[str, bytes, str], incomplete: bool = False) -> dict[str, Any]:
    files = [("xml_submission_file", ("submission.xml", xml, "text/xml"))]
    files += [(name, (name, data, content_type)) for name, data, content_type in media]
    data = {"*isIncomplete*": "yes"} if incomplete else {}
    return {"files": files, "data": data}


def basic(username: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}
