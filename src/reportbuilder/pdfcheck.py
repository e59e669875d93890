"""After rendering: prove the PDF carries nothing active — no embedded files, JavaScript,
launch actions or links with schemes other than http, https and mailto."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

ALLOWED_SCHEMES = {"http", "https", "mailto"}
_ACTIVE_ACTIONS = {
    "/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/ResetForm", "/GoToE", "/GoToR",
    "/Rendition", "/Sound", "/Movie",
}  # fmt: skip


def active_content(data: bytes) -> list[str]:
    """What in this PDF could act or leak when opened; empty when it is inert."""
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

    reader = PdfReader(io.BytesIO(data))
    found: list[str] = []
    root = reader.trailer["/Root"]
    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        for key in ("/EmbeddedFiles", "/JavaScript"):
            if key in names:
                found.append(f"document has {key[1:]}")
    for key in ("/OpenAction", "/AA", "/AcroForm"):
        if key in root:
            found.append(f"document has {key[1:]}")
    for number, page in enumerate(reader.pages, start=1):
        if "/AA" in page:
            found.append(f"page {number} has an additional action")
        for annot_ref in page.get("/Annots") or []:
            annot = annot_ref.get_object()
            if not isinstance(annot, DictionaryObject):
                continue
            subtype = annot.get("/Subtype")
            if subtype == "/FileAttachment":
                found.append(f"page {number} has a file attachment")
            action = annot.get("/A")
            if action is None:
                continue
            action = action.get_object()
            kind = action.get("/S")
            if kind in _ACTIVE_ACTIONS:
                found.append(f"page {number} has a {str(kind)[1:]} action")
            elif kind == "/URI":
                scheme = urlsplit(str(action.get("/URI", ""))).scheme.lower()
                if scheme not in ALLOWED_SCHEMES:
                    found.append(f"page {number} links to a '{scheme}:' URI")
    return found
