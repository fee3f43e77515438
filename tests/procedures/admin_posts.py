"""What the procedure change page posts, built from a saved procedure (shared by desk tests)."""


def management(prefix: str, total: int, initial: int = 0) -> dict:
    """The management form of an inline formset."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def procedure_change_data(procedure) -> dict:
    """The procedure's fields with its documents and fees inlines, as the loaded page posts them."""
    docs = list(procedure.documents.all())
    fees = list(procedure.fees.all())
    data = {
        "national_code": procedure.national_code,
        "name": procedure.name,
        "sector": procedure.sector_id,
        "level": procedure.level_id,
        "units": [u.pk for u in procedure.units.all()],
        "is_active": "on",
        "processing_amount": str(procedure.processing_amount),
        "processing_unit": procedure.processing_unit,
        "online_level": procedure.online_level,
        "result_type": procedure.result_type,
        "legal_basis": procedure.legal_basis,
        "fee_note": procedure.fee_note,
        **management("documents", len(docs), len(docs)),
        **management("fees", len(fees), len(fees)),
    }
    for i, doc in enumerate(docs):
        data.update(
            {
                f"documents-{i}-id": doc.pk,
                f"documents-{i}-procedure": procedure.pk,
                f"documents-{i}-order": doc.order,
                f"documents-{i}-name": doc.name,
                f"documents-{i}-originals": doc.originals,
                f"documents-{i}-copies": doc.copies,
                f"documents-{i}-is_mandatory": "on" if doc.is_mandatory else "",
            }
        )
    for i, fee in enumerate(fees):
        data.update(
            {
                f"fees-{i}-id": fee.pk,
                f"fees-{i}-procedure": procedure.pk,
                f"fees-{i}-name": fee.name,
                f"fees-{i}-amount": str(fee.amount),
                f"fees-{i}-note": fee.note,
            }
        )
    return data
