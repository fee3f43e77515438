"""Legal forms 01–07 (docs/architecture.md) as editable templates rendered to A4 PDF, with QR codes and
PAdES signatures.

Site configuration keys (``sites/<site>/site_config.toml``, read through ``settings.SITE.extra``):

``public_url``
    Base URL of the public portal; the QR code on forms 01, 02 and 04 links to
    ``{public_url}/tra-cuu/{dossier code}/`` (``motcua.core.site_urls``; the same address is used in
    every e-mail and notice). Default ``http://127.0.0.1:8000``: set it in production.
``place_name``
    The place written before the date ("Hải Phòng, ngày … tháng … năm …"). Default: blank dots.
``[signing]``
    ``pkcs12_path`` (the unit's PKCS#12 file, relative to the site folder), ``required`` (bool:
    refuse to hand out unsigned copies when the certificate cannot be used), optional ``reason``
    and ``location``. The password is never in the file: ``MOTCUA_SIGNING_PASSWORD``.
"""
