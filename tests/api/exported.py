"""Fetching a microdata export over HTTP and reading its files back with the readers analysts use."""

import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weighting.microdata import Microdata, read_microdata


@dataclass
class Exported:
    files: dict[str, bytes]  # name in the zip -> content
    data_name: str
    microdata: Microdata  # the data file read back (pyreadstat for .dta and .sav)
    codebook: dict[str, Any]  # codebook.json
    disposition: str


def export(client, account, analysis_id: int, file_format: str, **params: Any) -> Exported:
    response = client.get(f"/api/v1/analyses/{analysis_id}/microdata", params={"format": file_format, **params},
                          headers=account.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    files = {name: archive.read(name) for name in archive.namelist()}
    data_name = next(name for name in files if name.endswith(f".{file_format}"))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / data_name
        path.write_bytes(files[data_name])
        microdata = read_microdata(path)
    return Exported(files, data_name, microdata, json.loads(files["codebook.json"]),
                    response.headers["content-disposition"])
