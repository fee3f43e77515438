"""Files in an S3-compatible object store (moto's server, started by the test on a free port).

* the object store down during an online submission: the citizen gets the 503 page, nothing is
  half-saved (no dossier, no upload row, no object), and the same submission succeeds on retry;
* a stored file is served after the scope check by a short-lived signed URL;
* ``backup`` reads the files from the object store into its archive.
"""

from __future__ import annotations

import json
import tarfile
import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import Client

from config.operation import _s3_client_config
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.portal.models import Submission, Upload
from tests.ops.servers import MotoS3
from tests.portal.conftest import apply_url, form_data, pdf_bytes, upload

BUCKET = "motcua-test"

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def moto():
    server = MotoS3()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3_files(moto, settings):
    """The default storage is a private bucket of the local S3 server."""
    client = moto.client()
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": moto.endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "addressing_style": "path",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
                "client_config": _s3_client_config(),
            },
        },
    }
    settings.MOTCUA_STORAGE = {"backend": "s3", "serve": "proxy", "signed_url_seconds": 60}
    storages._storages.pop("default", None)
    yield moto
    storages._storages.pop("default", None)
    for key in moto.keys(BUCKET):
        client.delete_object(Bucket=BUCKET, Key=key)
    client.delete_bucket(Bucket=BUCKET)


def test_a_submission_while_the_object_store_is_down_is_refused_and_succeeds_on_retry(
    portal, s3_files, django_capture_on_commit_callbacks
):
    client = Client(raise_request_exception=False)
    client.force_login(portal.citizen)
    client.cookies["django_language"] = "vi"
    data = form_data(portal)

    # the object store stops answering during the upload
    s3_files.stop()
    try:
        refused = client.post(
            apply_url(portal), {**data, "doc_0": upload("don-de-nghi.pdf", pdf_bytes())}
        )
    finally:
        s3_files.start()
        s3_files.client().create_bucket(Bucket=BUCKET)  # moto keeps nothing across a restart
    assert refused.status_code == 503
    assert "Hệ thống tạm thời gián đoạn" in refused.content.decode()
    counts = {
        "dossiers": Dossier.objects.count(),
        "submissions": Submission.objects.count(),
        "uploads": Upload.objects.count(),
        "documents": DossierDocument.objects.count(),
        "objects": len(s3_files.keys(BUCKET)),
    }
    print(f"after the refused submission: {counts}")
    assert counts == dict.fromkeys(counts, 0)

    # the same press again (same idempotency key) once the store is back
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(
            apply_url(portal), {**data, "doc_0": upload("don-de-nghi.pdf", pdf_bytes())}
        )
    assert accepted.status_code == 302, accepted.content.decode()[:500]
    dossier = Dossier.objects.get()
    stored = {u.file.name for u in Upload.objects.filter(dossier=dossier)}
    keys = set(s3_files.keys(BUCKET))
    print(f"after the retry: 1 dossier, {len(stored)} uploads, {len(keys)} objects")
    assert stored and stored == keys
    assert Upload.objects.get(dossier=dossier).file.read() == pdf_bytes()


def test_a_file_is_served_by_a_short_lived_signed_url_after_the_scope_check(s3_files, settings):
    from motcua.core.serving import file_response

    storage = storages["default"]
    name = storage.save("portal/x/giay-to.pdf", ContentFile(pdf_bytes()))
    settings.MOTCUA_STORAGE = {"backend": "s3", "serve": "signed-url", "signed_url_seconds": 45}

    response = file_response(
        storage.open(name), original_name="Giấy chứng nhận.pdf", content_type="application/pdf"
    )

    assert response.status_code == 302 and response["Cache-Control"] == "private, no-store"
    url = response["Location"]
    assert url.startswith(s3_files.endpoint) and "X-Amz-Expires=45" in url
    with urllib.request.urlopen(url, timeout=10) as fetched:
        assert fetched.read() == pdf_bytes()
        assert fetched.headers["Content-Type"] == "application/pdf"
        assert "Gi%E1%BA%A5y" in fetched.headers["Content-Disposition"]
    # without the signature the private object is refused
    bare = url.split("?", 1)[0]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(bare, timeout=10)
    assert refused.value.code == 403


def test_backup_reads_the_files_of_the_object_store(s3_files, tmp_path):
    from motcua.ops.backup import site_backup

    storage = storages["default"]
    names = [storage.save(f"portal/b/{i}.pdf", ContentFile(pdf_bytes(200 + i))) for i in range(3)]
    output = tmp_path / "backup.tar"

    manifest = site_backup(output=output)

    assert set(manifest["files"]) == set(names)
    with tarfile.open(output) as archive:
        inside = json.load(archive.extractfile("manifest.json"))
        assert set(inside["files"]) == set(names)
        for name in names:
            assert archive.extractfile(f"files/{name}").read() == storage.open(name).read()
    print(f"backup: {len(names)} objects of the store in the archive, checksums equal")
